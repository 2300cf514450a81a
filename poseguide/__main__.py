"""``python -m poseguide``: the command line."""

from poseguide.cli.main import main

raise SystemExit(main())
