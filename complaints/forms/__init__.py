"""WTForms: the shape of input only; services validate meaning."""
