"""The one answer to who is acting."""

import threading

from rentaldesk.actor import SYSTEM, Actor, acting_as, current_actor, sign_in


def test_nobody_signed_in_is_system() -> None:
    assert current_actor() == SYSTEM


def test_sign_in_reaches_other_threads_and_acting_as_only_its_own() -> None:
    clerk = Actor("ana", "clerk", "10001", "desk-1")
    manager = Actor("max", "manager", "10001", "desk-1")
    seen: list[Actor] = []
    sign_in(clerk)
    try:
        with acting_as(manager):
            assert current_actor() == manager
            worker = threading.Thread(target=lambda: seen.append(current_actor()))
            worker.start()
            worker.join()
        assert current_actor() == clerk
    finally:
        sign_in(None)
    assert seen == [clerk]
    assert current_actor() == SYSTEM
