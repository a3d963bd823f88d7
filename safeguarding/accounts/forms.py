from django import forms
from django.contrib.auth.forms import AuthenticationForm


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
    )
    error_messages = {
        "invalid_login": "Enter a correct email address and password. Passwords are case-sensitive.",
        "inactive": "This account has been deactivated. Ask your administrator.",
    }

    def clean_username(self):
        # Emails are matched case-insensitively, so django-axes must count failures against one
        # lower-case name: otherwise each new mix of capitals would get a fresh set of attempts.
        return self.cleaned_data["username"].strip().lower()


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Security code", max_length=12,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}),
        error_messages={"required": "Enter the security code"},
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").strip()
