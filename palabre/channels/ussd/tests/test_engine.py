"""The pure menu engine: no database, no Django."""

import json

import pytest

from palabre.channels.ussd.engine import (
    SCREEN_LIMIT,
    Back,
    Engine,
    Finish,
    Frame,
    Home,
    Invalid,
    Labels,
    Menu,
    Option,
    Prompt,
    State,
    goto,
    paginate,
    screen,
    screen_key,
)

VILLAGES = [f"Village numéro {number}" for number in range(1, 31)]
filed: list[dict] = []


@screen
def main(context):
    return Menu(
        title=f"Bienvenue {context['name']}",
        options=[
            Option("Choisir un village", goto(village_list, region="nord")),
            Option("Écrire un message", goto(message_prompt)),
            Option("Quitter", Finish("Au revoir.")),
            Option("Enregistrer", lambda: Home(notice="Enregistré.")),
        ],
    )


@screen
def village_list(context, region):
    return Menu(
        title=f"Village ({region}) :",
        options=[Option(name, goto(village_done, name=name)) for name in VILLAGES],
    )


@screen
def village_done(context, name):
    return Menu(title=f"Vous avez choisi {name}.", options=[Option("Confirmer", Finish(f"Merci, {name}."))])


@screen
def message_prompt(context):
    def answer(text):
        if len(text) < 5:
            return Invalid("Trop court : 5 lettres au moins.")
        filed.append({"text": text})
        return Finish(f"Message reçu : {text}")

    return Prompt(title="Votre message :", answer=answer)


@screen
def long_title(context):
    return Menu(title="x" * 300, options=[Option("Oui", Back())])


def engine(name="Afi"):
    return Engine(root=main, context=lambda: {"name": name})


def run(*answers):
    """A new session, then each answer; returns (state, outputs)."""
    eng = engine()
    state = eng.new_state()
    outputs = [eng.show(state)]
    outputs += [eng.answer(state, answer) for answer in answers]
    return state, outputs


def test_first_screen_lists_numbered_choices_one_per_line():
    _state, [first] = run()
    assert first.text.splitlines() == [
        "Bienvenue Afi",
        "1. Choisir un village",
        "2. Écrire un message",
        "3. Quitter",
        "4. Enregistrer",
    ]
    assert not first.end


def test_choosing_opens_the_screen_with_its_data():
    state, outputs = run("1")
    assert outputs[-1].text.startswith("Village (nord) :\n1. Village numéro 1\n")
    assert [frame.key for frame in state.frames] == [screen_key(main), screen_key(village_list)]
    assert state.frames[-1].data == {"region": "nord"}


def test_a_long_list_is_paged_with_98_and_numbering_runs_on():
    _state, outputs = run("1", "98")
    first_page, second_page = outputs[1].text, outputs[2].text
    assert "98. Suite" in first_page
    assert "0. Retour" in first_page
    last_number_on_first = int(first_page.splitlines()[-3].split(".")[0])
    assert second_page.splitlines()[1].startswith(f"{last_number_on_first + 1}. Village")


def test_every_page_fits_and_all_options_are_reachable():
    eng = engine()
    state = eng.new_state()
    eng.show(state)
    seen = []
    output = eng.answer(state, "1")
    while True:
        assert len(output.text) <= SCREEN_LIMIT
        seen += [line for line in output.text.splitlines() if ". Village" in line]
        if "98. Suite" not in output.text:
            break
        output = eng.answer(state, "98")
    assert len(seen) == len(VILLAGES)


def test_choosing_a_number_from_a_later_page():
    _state, outputs = run("1", "98", "25")
    assert outputs[-1].text.startswith("Vous avez choisi Village numéro 25.")


def test_0_on_a_later_page_goes_to_the_previous_page_then_back():
    state, outputs = run("1", "98", "0")
    assert outputs[-1].text == outputs[1].text
    output = engine().answer(state, "0")
    assert output.text.startswith("Bienvenue")
    assert state.depth == 1


def test_98_on_the_last_page_asks_again():
    eng = engine()
    state = eng.new_state()
    output = eng.answer(state, "1")
    while "98. Suite" in output.text:
        output = eng.answer(state, "98")
    last_page = state.frames[-1].page
    assert eng.answer(state, "98").text.startswith("Choix non valable.")
    assert state.frames[-1].page == last_page


def test_00_goes_to_the_main_menu_from_deep_inside():
    state, outputs = run("1", "3")
    assert "00. Menu" in outputs[-1].text
    output = engine().answer(state, "00")
    assert output.text.startswith("Bienvenue")
    assert state.depth == 1


@pytest.mark.parametrize("answer", ["9", "abc", "", "-1", "1.5"])
def test_a_bad_choice_asks_again_with_a_hint(answer):
    state, outputs = run(answer)
    assert outputs[-1].text.startswith("Choix non valable.\nBienvenue")
    assert state.depth == 1


def test_prompt_validation_asks_again_then_accepts():
    state, outputs = run("2", "abc", "", "La pompe est cassée")
    assert outputs[2].text.startswith("Trop court : 5 lettres au moins.\nVotre message :")
    assert outputs[3].text.startswith("Réponse vide.\n")
    assert outputs[4].text == "Message reçu : La pompe est cassée"
    assert outputs[4].end and state.finished


def test_prompt_0_goes_back():
    state, outputs = run("2", "0")
    assert outputs[-1].text.startswith("Bienvenue")
    assert state.depth == 1


def test_finish_option_ends_the_session():
    state, outputs = run("3")
    assert outputs[-1].text == "Au revoir." and outputs[-1].end
    assert state.finished


def test_an_answer_after_the_end_starts_again():
    state, _outputs = run("3")
    output = engine().answer(state, "1")
    assert output.text.startswith("Bienvenue") and not state.finished


def test_an_effect_option_runs_only_when_chosen_and_shows_its_notice():
    _state, outputs = run("4")
    assert outputs[-1].text.startswith("Enregistré.\nBienvenue")


def test_state_survives_a_json_round_trip_and_goes_on():
    state, _outputs = run("1", "98")
    stored = json.loads(json.dumps(state.to_json()))
    restored = State.from_json(stored)
    assert restored == state
    output = engine().answer(restored, "0")
    assert output.text.startswith("Village (nord) :\n1. Village numéro 1")


def test_the_context_is_read_at_each_step():
    state, _outputs = run()
    output = engine(name="Koffi").answer(state, "0")
    assert output.text.startswith("Bienvenue Koffi")


def test_a_screen_that_no_longer_exists_leads_home():
    state = State(frames=[Frame(key=screen_key(main)), Frame(key="gone.screen")])
    output = engine().answer(state, "1")
    assert output.text.startswith("Ce menu a changé.")
    assert state.depth == 1
    state = State(frames=[Frame(key=screen_key(main)), Frame(key="gone.screen")])
    assert engine().show(state).text.startswith("Ce menu a changé.")


def test_a_title_too_long_is_cut_and_reported():
    eng = Engine(root=long_title, context=dict)
    output = eng.show(eng.new_state())
    assert len(output.text) <= SCREEN_LIMIT
    assert output.truncated
    assert output.text.endswith("1. Oui")


def test_a_notice_replaces_the_title_when_both_do_not_fit():
    eng = Engine(root=main, context=lambda: {"name": "A" * 120})
    state = eng.new_state()
    output = eng.answer(state, "7")
    assert output.text.startswith("Choix non valable.")
    assert "AAAA" not in output.text
    assert len(output.text) <= SCREEN_LIMIT


def test_labels_are_given_in_the_callers_language():
    labels = Labels(more="Plus", back="Gbɔ", home="Jɛ", invalid_choice="Ma ɖó", empty_answer="?")
    eng = Engine(root=main, context=lambda: {"name": "Afi"}, labels=labels)
    state = eng.new_state()
    assert "98. Plus" in eng.answer(state, "1").text
    assert eng.answer(state, "x").text.startswith("Ma ɖó")


def test_goto_needs_a_registered_screen():
    with pytest.raises(ValueError):
        goto(lambda context: None)


def test_paginate_keeps_every_option_once():
    options = [Option(f"Choix {n}", Back()) for n in range(50)]
    eng = engine()
    pages = paginate(options, lambda page: eng._layout("Titre", 2, page))
    assert [index for page in pages for index in page] == list(range(50))
    assert len(pages) > 1
