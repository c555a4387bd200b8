from django import forms


class VoiceUploadForm(forms.Form):
    name = forms.CharField(max_length=100)
    audio = forms.FileField(
        label="Recording",
        widget=forms.FileInput(attrs={"accept": "audio/*,video/*"}),
        help_text="Audio or video of the speaker, 5–30 s of clear speech.",
    )
    reference_text = forms.CharField(
        label="What the recording says (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def add_service_errors(self, exc) -> None:
        for field, errors in exc.message_dict.items():
            self.add_error(field if field in self.fields else None, errors)
