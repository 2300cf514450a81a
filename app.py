"""The repository's entry for ``streamlit run app.py``; installed, ``poseguide app`` runs the
same page (``poseguide/ui/app.py``)."""

from poseguide.ui.app import main

main()
