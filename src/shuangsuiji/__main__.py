"""`python -m shuangsuiji` = `ssj`."""

from .cli.app import main

main()
