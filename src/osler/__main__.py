"""``python -m osler``: the same as the ``osler`` command."""

from osler.cli import main

main()
