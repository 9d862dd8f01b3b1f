"""The USSD menu engine: a plain-Python state machine (no Django import), fed plain data.

A menu is made of *screen functions* registered with `@screen`: `fn(context, **data)` returns the screen to
show, a `Menu` (numbered choices), a `Prompt` (free text) or a `Finish` (last screen, the session ends).
Choosing an option or answering a prompt gives an *outcome*: `goto(fn, **data)` opens another screen,
`Back()` the previous one, `Home()` the main menu, `Invalid(hint)` asks again with a short hint,
`Finish(text)` ends the session.

The session state is a stack of frames (screen key, JSON data, page): it is all a session needs to be stored
in a database, resumed after a network drop or after a server restart, because screens are rebuilt from
their key and data at every step.

Keys the caller may always type: `98` more (next page of a long list), `0` back (on a later page: the
previous page), `00` main menu. Every screen fits `limit` characters (160): long lists are split into pages,
a text that cannot fit is cut and the output says so (`Output.truncated`), so tests catch it.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SCREEN_LIMIT = 160
MORE = "98"
BACK = "0"
HOME = "00"
LABEL_MAX = 40
# Room each page of a list leaves free, so that a short notice ("Choix non valable.") fits above it
# (a notice takes the title's place when both do not fit).
NOTICE_RESERVE = 16
ELLIPSIS = "…"
# No menu has more options than a 3-digit number can choose.
CHOICE_DIGITS = 3


# Outcomes -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Goto:
    """Open the screen registered under `key` with `data` (JSON values), above the current one."""

    key: str
    data: Mapping[str, Any] = field(default_factory=dict)
    notice: str = ""


@dataclass(frozen=True)
class Back:
    notice: str = ""


@dataclass(frozen=True)
class Home:
    notice: str = ""


@dataclass(frozen=True)
class Invalid:
    """The answer is not acceptable: the same screen again, `hint` on top."""

    hint: str


@dataclass(frozen=True)
class Finish:
    """The last screen: `text` is shown and the session ends. Also a screen."""

    text: str


@dataclass(frozen=True)
class _Page:
    page: int


Outcome = Goto | Back | Home | Invalid | Finish


# Screens ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Option:
    """One numbered choice. `then` is the outcome, or a function computing it when the option is chosen
    (for choices with an effect: saving a language, filing a complaint)."""

    label: str
    then: Outcome | Callable[[], Outcome]


@dataclass(frozen=True)
class Menu:
    title: str
    options: Sequence[Option]


@dataclass(frozen=True)
class Prompt:
    """Free text. `answer(text)` gets the stripped, non-empty answer (`0` and `00` are navigation)."""

    title: str
    answer: Callable[[str], Outcome]


Screen = Menu | Prompt | Finish
ScreenFunction = Callable[..., Screen]

_SCREENS: dict[str, ScreenFunction] = {}


def screen(function: ScreenFunction) -> ScreenFunction:
    """Register a screen function under its dotted name, so that a stored frame can find it again."""
    key = f"{function.__module__}.{function.__qualname__}"
    _SCREENS[key] = function
    function.screen_key = key  # type: ignore[attr-defined]
    return function


def screen_key(function: ScreenFunction) -> str:
    key = getattr(function, "screen_key", None)
    if key is None:
        raise ValueError(f"{function!r} is not registered with @screen")
    return key


def goto(function: ScreenFunction, *, notice: str = "", **data: Any) -> Goto:
    """The outcome opening `function`'s screen with `data` (ids, short strings: it is stored as JSON)."""
    return Goto(key=screen_key(function), data=data, notice=notice)


class UnknownScreen(LookupError):
    """A stored frame names a screen that no longer exists (the code changed during a session)."""


def build(key: str, context: Any, data: Mapping[str, Any]) -> Screen:
    function = _SCREENS.get(key)
    if function is None:
        raise UnknownScreen(key)
    return function(context, **data)


def _choice_number(text: str) -> int | None:
    """The option number typed, in ASCII digits only (`str.isdigit()` also takes `²`, Arabic-Indic or
    fullwidth digits, which `int()` then refuses or reads as another number); None for anything else. Kept
    here, not in palabre.core.validators, so that the engine imports nothing from Django."""
    if not (text.isascii() and text.isdigit()) or len(text) > CHOICE_DIGITS:
        return None
    return int(text)


# State --------------------------------------------------------------------------------------------------
@dataclass
class Frame:
    key: str
    data: dict[str, Any] = field(default_factory=dict)
    page: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "data": dict(self.data), "page": self.page}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> "Frame":
        return cls(key=value["key"], data=dict(value.get("data") or {}), page=int(value.get("page") or 0))


@dataclass
class State:
    """A session's place in the menus: the stack of open screens (the first is the main menu)."""

    frames: list[Frame]
    finished: bool = False

    @property
    def depth(self) -> int:
        return len(self.frames)

    def to_json(self) -> dict[str, Any]:
        return {"frames": [frame.to_json() for frame in self.frames], "finished": self.finished}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> "State":
        frames = [Frame.from_json(item) for item in value.get("frames") or []]
        return cls(frames=frames, finished=bool(value.get("finished")))


# Rendering ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Labels:
    """The engine's own words, given in the caller's language by the Django side (lazy strings are
    welcome: they are turned into text when a screen is drawn)."""

    more: str = "Suite"
    back: str = "Retour"
    home: str = "Menu"
    invalid_choice: str = "Choix non valable."
    empty_answer: str = "Réponse vide."
    screen_gone: str = "Ce menu a changé."


@dataclass(frozen=True)
class Output:
    """What the caller reads: `text`, and `end` True when the session is over (else we wait for an answer).
    `truncated` is True when a text had to be cut to fit the limit (a translation too long: a bug)."""

    text: str
    end: bool
    truncated: bool = False


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def _option_line(number: int, label: str) -> str:
    return f"{number}. {cut(' '.join(label.split()), LABEL_MAX)}"


@dataclass(frozen=True)
class _Layout:
    header: list[str]
    nav: str
    more: str
    limit: int

    def size(self, lines: list[str], *, with_more: bool) -> int:
        every = [*self.header, *lines, *([self.more] if with_more else []), *([self.nav] if self.nav else [])]
        return len("\n".join(every))


def paginate(options: Sequence[Option], layout_for: Callable[[int], _Layout]) -> list[list[int]]:
    """Split option indexes into pages that fit, each page as full as possible (numbering runs on)."""
    pages: list[list[int]] = []
    index = 0
    while index < len(options):
        layout = layout_for(len(pages))
        page: list[int] = []
        lines: list[str] = []
        while index < len(options):
            line = _option_line(index + 1, options[index].label)
            has_more = index + 1 < len(options)
            if page and layout.size([*lines, line], with_more=has_more) > layout.limit:
                break
            page.append(index)
            lines.append(line)
            index += 1
        pages.append(page)
    return pages or [[]]


class Engine:
    """Runs one step of a session. `root` is the main menu's screen function; `context()` gives the
    object passed to screen functions (called at every build, so an effect such as a new language is
    seen by the next screen)."""

    def __init__(
        self,
        *,
        root: ScreenFunction,
        context: Callable[[], Any],
        labels: Labels | None = None,
        limit: int = SCREEN_LIMIT,
    ):
        self.root_key = screen_key(root)
        self.context = context
        self.labels = labels or Labels()
        self.limit = limit

    def new_state(self) -> State:
        return State(frames=[Frame(key=self.root_key)])

    def show(self, state: State, *, notice: str = "") -> Output:
        """The screen on top of the stack (a new session, a resumed one)."""
        return self._render(state, notice=notice)

    def answer(self, state: State, text: str) -> Output:
        """Apply the caller's answer to the top screen; `state` is updated in place."""
        text = text.strip()
        if state.finished:
            state.frames, state.finished = [Frame(key=self.root_key)], False
            return self._render(state)
        if text == HOME:
            return self._apply(state, Home())
        frame = state.frames[-1]
        try:
            current = build(frame.key, self.context(), frame.data)
        except UnknownScreen:
            return self._apply(state, Home(notice=self.labels.screen_gone))
        return self._apply(state, self._outcome(current, frame, state.depth, text))

    def _outcome(self, current: Screen, frame: Frame, depth: int, text: str) -> Outcome | _Page:
        if isinstance(current, Menu):
            return self._choose(current, frame, depth, text)
        if isinstance(current, Prompt):
            if text == BACK:
                return Back()
            if not text:
                return Invalid(self.labels.empty_answer)
            return current.answer(text)
        return Home()

    def _choose(self, menu: Menu, frame: Frame, depth: int, text: str) -> Outcome | _Page:
        if text == MORE:
            pages = self._pages(menu, depth)
            if frame.page + 1 < len(pages):
                return _Page(frame.page + 1)
            return Invalid(self.labels.invalid_choice)
        if text == BACK:
            return _Page(frame.page - 1) if frame.page > 0 else Back()
        number = _choice_number(text)
        if number is not None and 1 <= number <= len(menu.options):
            then = menu.options[number - 1].then
            return then() if callable(then) else then
        return Invalid(self.labels.invalid_choice)

    def _apply(self, state: State, outcome: Outcome | _Page) -> Output:
        if isinstance(outcome, Finish):
            state.finished = True
            return self._finish(outcome)
        if isinstance(outcome, Invalid):
            return self._render(state, notice=outcome.hint)
        if isinstance(outcome, _Page):
            state.frames[-1].page = max(outcome.page, 0)
            return self._render(state)
        if isinstance(outcome, Goto):
            state.frames.append(Frame(key=outcome.key, data=dict(outcome.data)))
        elif isinstance(outcome, Back) and state.depth > 1:
            state.frames.pop()
        elif isinstance(outcome, Home):
            state.frames = [Frame(key=self.root_key)]
        return self._render(state, notice=outcome.notice)

    def _render(self, state: State, *, notice: str = "") -> Output:
        notice = str(notice)
        frame = state.frames[-1]
        try:
            current = build(frame.key, self.context(), frame.data)
        except UnknownScreen:
            state.frames = [Frame(key=self.root_key)]
            return self._render(state, notice=self.labels.screen_gone)
        if isinstance(current, Finish):
            state.finished = True
            return self._finish(current)
        if isinstance(current, Prompt):
            return self._render_prompt(current, state.depth, notice)
        return self._render_menu(current, frame, state.depth, notice)

    def _finish(self, finish: Finish) -> Output:
        return Output(text=cut(finish.text, self.limit), end=True, truncated=len(finish.text) > self.limit)

    def _nav(self, depth: int, page: int) -> str:
        parts = []
        if depth > 1 or page > 0:
            parts.append(f"{BACK}. {self.labels.back!s}")
        if depth > 2:
            parts.append(f"{HOME}. {self.labels.home!s}")
        return " ".join(parts)

    def _layout(self, title: str, depth: int, page: int) -> _Layout:
        return _Layout(header=[title] if title else [], nav=self._nav(depth, page),
                       more=f"{MORE}. {self.labels.more!s}", limit=self.limit)  # fmt: skip

    def _pages(self, menu: Menu, depth: int) -> list[list[int]]:
        """Pages never depend on a notice, so `98` always follows the pages the caller saw."""

        def layout_for(page: int) -> _Layout:
            layout = self._layout(menu.title, depth, page)
            return _Layout(header=layout.header, nav=layout.nav, more=layout.more,
                           limit=self.limit - NOTICE_RESERVE)  # fmt: skip

        return paginate(menu.options, layout_for)

    def _render_prompt(self, prompt: Prompt, depth: int, notice: str) -> Output:
        return self._fit(self._layout(prompt.title, depth, 0), [], with_more=False, notice=notice)

    def _render_menu(self, menu: Menu, frame: Frame, depth: int, notice: str) -> Output:
        pages = self._pages(menu, depth)
        frame.page = min(frame.page, len(pages) - 1)
        lines = [_option_line(index + 1, menu.options[index].label) for index in pages[frame.page]]
        layout = self._layout(menu.title, depth, frame.page)
        return self._fit(layout, lines, with_more=frame.page + 1 < len(pages), notice=notice)

    def _fit(self, layout: _Layout, lines: list[str], *, with_more: bool, notice: str) -> Output:
        """Join the screen. A title too long is cut (and reported); a notice (a hint, "saved") goes on
        top, in place of the title when both do not fit."""
        header = list(layout.header)
        overflow = layout.size(lines, with_more=with_more) - self.limit
        truncated = overflow > 0
        if truncated and header:
            header[0] = cut(header[0], max(len(header[0]) - overflow, 1))
        if notice:
            bare = _Layout(header=[], nav=layout.nav, more=layout.more, limit=self.limit)
            room = self.limit - bare.size(lines, with_more=with_more)
            with_title = [notice, *header]
            fits = len("\n".join(with_title)) + 1 <= room
            header = with_title if fits else [cut(notice, max(room - 1, 1))]
        body = [*header, *lines, *([layout.more] if with_more else []), *([layout.nav] if layout.nav else [])]
        return Output(text=cut("\n".join(body), self.limit), end=False, truncated=truncated)
