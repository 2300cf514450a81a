"""The repository's entry for ``streamlit run app.py``; installed, ``poseguide app`` runs the
same page (``poseguide/ui/pages.py``)."""

from poseguide.ui.pages import main

main()
