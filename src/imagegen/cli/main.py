"""Entry point of the ``imagegen`` command: one click group, subcommands registered by their modules.

Exit codes follow sysexits (SPEC §8): 0 ok, 64 usage, 65 bad input / refused value, 69 server or upstream
failure, 75 retryable (timeout, 429), 77 not authenticated. Errors print one line on stderr.
"""

from __future__ import annotations

import sys

import click

from imagegen import __version__
from imagegen.cli import catalog, generate, keys, queue, recipes, review, serve, worker
from imagegen.contract.errors import ImagegenError

EX_OK, EX_USAGE, EX_DATAERR, EX_UNAVAILABLE, EX_TEMPFAIL, EX_NOPERM = 0, 64, 65, 69, 75, 77


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="imagegen")
def cli() -> None:
    """imagegen: self-hosted image generation that speaks the GPT Image API."""


for _module in (generate, serve, worker, queue, keys, catalog, review, recipes):
    _module.register(cli)


def main(argv: list[str] | None = None) -> int:
    try:
        # without standalone mode click returns (not raises) the code of a ``click.exceptions.Exit``
        code = cli.main(args=argv, prog_name="imagegen", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("imagegen: aborted", err=True)
        return 130
    except click.UsageError as exc:
        click.echo(f"imagegen: {exc.format_message()}", err=True)
        return EX_USAGE
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except ImagegenError as exc:
        param = f" (param: {exc.param})" if exc.param else ""
        click.echo(f"imagegen: error: {exc.message}{param}", err=True)
        return exc.exit_code
    return code if isinstance(code, int) else EX_OK


if __name__ == "__main__":
    sys.exit(main())
