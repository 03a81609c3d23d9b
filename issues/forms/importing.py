"""The "Import Markdown" page's form: files and pasted text, every problem with its line."""

from django import forms

from issues.importing import read_all

MAX_FILES = 100
MAX_BYTES = 1_000_000  # one file; the template body is far below it (GITHUB_BODY_LIMIT)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": ".md,text/markdown,text/plain", "class": "form-control"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ImportMarkdownForm(forms.Form):
    # Named as the page's input is; it shadows BaseForm.files only for the type checker.
    files = MultipleFileField(  # type: ignore[assignment]
        label="Markdown files",
        required=False,
        help_text="Documents downloaded from dskit (.md), or bodies as filed on GitHub or "
        "written from the template.",
    )
    text = forms.CharField(
        label="Or paste the Markdown of one issue",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "form-control font-monospace"}),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"At most {MAX_FILES} files at once.")
        texts = []
        for upload in files:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError(
                    f"{upload.name}: larger than {MAX_BYTES:,} bytes; is it an issue?"
                )
            try:
                texts.append((upload.name, upload.read().decode("utf-8")))
            except UnicodeDecodeError:
                raise forms.ValidationError(f"{upload.name}: not UTF-8 text.") from None
        return texts

    def clean(self):
        data = super().clean()
        texts = list(data.get("files") or [])
        if data.get("text", "").strip():
            texts.append(("pasted text", data["text"]))
        if not texts and not self.errors:
            self.add_error("files", "Choose a Markdown file or paste an issue's Markdown.")
        issues, problems = read_all(texts)
        for problem in problems:
            self.add_error("text" if problem.startswith("pasted text:") else "files", problem)
        data["texts"], data["issues"] = texts, issues
        return data
