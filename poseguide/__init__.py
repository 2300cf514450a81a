"""poseguide: a webcam stretch trainer that checks form and times honest holds."""

__version__ = "0.1.0"
