"""The code that sets up or confirms the second factor."""

from django import forms


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=16,
        error_messages={
            "required": "Enter the code from your authenticator app, or a recovery code"
        },
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").strip()


class SetupTokenForm(TokenForm):
    """The first code, from the app being set up: recovery codes are made only once it is
    confirmed, so the page does not speak of codes the person does not have yet."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        token = self.fields["token"]
        token.help_text = "The 6-digit code your authenticator app shows now."
        token.error_messages = {
            **token.error_messages,
            "required": "Enter the 6-digit code from your authenticator app",
        }
