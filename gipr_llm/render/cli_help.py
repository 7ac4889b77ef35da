"""How the command line's help reads: shared by ``cli.py`` and the golden sub-commands."""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup


class _ChineseHelp:
    """Help a reader of Chinese can use: the metavars say what to give (no ``<list[Path]>``
    type notation), and the help option speaks Chinese like the rest."""

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if isinstance(param, TyperArgument) or getattr(param, "is_flag", False):
                param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]
            if param.name == "help":
                param.help = "显示帮助并退出 (show this help)"
        return params


class GiprGroup(_ChineseHelp, TyperGroup):
    pass


class GiprCommand(_ChineseHelp, TyperCommand):
    pass
