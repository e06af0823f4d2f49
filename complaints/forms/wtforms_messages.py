"""WTForms' own messages, listed so that extraction puts them into this app's catalogues:
WTForms ships Russian but not Kyrgyz, and forms read all their messages from our
catalogues (complaints.i18n.FormTranslations), so every language is covered the same way.

Keep this list equal to the messages of the pinned WTForms (tests/test_i18n.py checks)."""
from __future__ import annotations


def N_(message: str) -> str:
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:
    return singular, plural


MESSAGES = (
    N_("Invalid field name '%s'."),
    N_('Field must be equal to %(other_name)s.'),
    NP_('Field must be at least %(min)d character long.', 'Field must be at least %(min)d characters long.'),
    NP_('Field cannot be longer than %(max)d character.', 'Field cannot be longer than %(max)d characters.'),
    NP_('Field must be exactly %(max)d character long.', 'Field must be exactly %(max)d characters long.'),
    N_('Field must be between %(min)d and %(max)d characters long.'),
    N_('Number must be at least %(min)s.'),
    N_('Number must be at most %(max)s.'),
    N_('Number must be between %(min)s and %(max)s.'),
    N_('This field is required.'),
    N_('Invalid input.'),
    N_('Invalid email address.'),
    N_('Invalid IP address.'),
    N_('Invalid Mac address.'),
    N_('Invalid URL.'),
    N_('Invalid UUID.'),
    N_('Invalid value, must be one of: %(values)s.'),
    N_("Invalid value, can't be any of: %(values)s."),
    N_('This field cannot be edited.'),
    N_('This field is disabled and cannot have a value.'),
    N_('Invalid CSRF Token.'),
    N_('CSRF token missing.'),
    N_('CSRF failed.'),
    N_('CSRF token expired.'),
    N_('Invalid Choice: could not coerce.'),
    N_('Choices cannot be None.'),
    N_('Not a valid choice.'),
    N_('Invalid choice(s): one or more data inputs could not be coerced.'),
    NP_("'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field."),
    N_('Not a valid datetime value.'),
    N_('Not a valid date value.'),
    N_('Not a valid time value.'),
    N_('Not a valid week value.'),
    N_('Not a valid integer value.'),
    N_('Not a valid decimal value.'),
    N_('Not a valid float value.'),
)
