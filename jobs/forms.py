"""Forms of the job pages; the services do the real validation."""

from django import forms
from django.conf import settings

from lexicons.selectors import review_by_default
from voices.selectors import voices_usable_by

from .models import Job


class JobSubmitForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "What should the speaker say?"}),
        help_text="LaTeX, numbers, units and dates are read out in words.",
    )
    video = forms.FileField(
        required=False,
        widget=forms.FileInput(attrs={"accept": "video/*"}),
        help_text="Speaker video. Without one, a default speaker is used.",
    )
    voice = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="The video's own voice, or the default voice"
    )
    priority = forms.IntegerField(
        min_value=Job.PRIORITY_MIN,
        max_value=Job.PRIORITY_MAX,
        initial=0,
        help_text=f"{Job.PRIORITY_MIN} … {Job.PRIORITY_MAX}; higher runs first.",
    )
    review = forms.BooleanField(
        required=False,
        label="Let me listen to the speech before the video renders",
    )
    burn_subtitles = forms.BooleanField(
        required=False,
        label="Burn subtitles into the video",
        help_text="Subtitles are made from your text either way (SRT and WebVTT downloads).",
    )

    def __init__(self, *args, user, can_clone_voices=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review"].initial = review_by_default(user)
        if can_clone_voices:
            self.fields["voice"].queryset = voices_usable_by(user)
        else:
            # Only espeak speaks here: a voice choice it cannot honour is not offered.
            del self.fields["voice"]
        self.fields["text"].widget.attrs["maxlength"] = settings.HEYGEM["MAX_TEXT_CHARS"]

    def add_service_errors(self, exc) -> None:
        """Put a service's ValidationError on the fields it names."""
        for field, errors in exc.message_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class JobFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Job.Status.choices])
    created_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Words in the text"}),
    )

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "statuses": [data["status"]] if data.get("status") else None,
            "created_from": data.get("created_from"),
            "created_to": data.get("created_to"),
            "search": data.get("q", ""),
        }


class BatchUploadForm(forms.Form):
    file = forms.FileField(
        required=False,
        widget=forms.FileInput(attrs={"accept": ".csv,.json,text/csv,application/json"}),
        help_text="A CSV with a header line (or a JSON list of rows).",
    )
    title = forms.CharField(required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if not data.get("file") and "token" not in self.data:
            self.add_error("file", "Choose a CSV file.")
        return data
