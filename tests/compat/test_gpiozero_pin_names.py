"""The linuxhw pin factory's pin names against gpiozero 2.x's own: on each mock Raspberry Pi, every name
gpiozero's board data (``PiBoardInfo.from_revision``) gives a pin of a header linuxhw.boards maps — ``J8:11``,
``P1:3``, ``P5:3``, ``BOARD11``, ``WPI0``, ``GPIO17``, ``BCM17``, ``17`` — leads to the same GPIO, and its
names for supply pins are refused as gpiozero refuses them; an LED on ``BOARD11`` lights physical pin 11, on the
mock Pi and on a gpio-sim bank labelled and named as a Pi 4's SoC chip (kernel tier)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

import linuxhw
from linuxhw import boards, mock
from linuxhw._kernel.real import RealBackend

gpiozero = pytest.importorskip("gpiozero")
from gpiozero.exc import PinInvalidPin  # noqa: E402 — needs gpiozero
from gpiozero.pins.pi import PiBoardInfo  # noqa: E402

from linuxhw.compat.gpiozero import LinuxhwFactory  # noqa: E402

# A revision code of each model, as gpiozero decodes them (its headers: J8, or the first Model B's P1 and P5).
REVISIONS = {"1b-rev1": 0x0002, "1b": 0x000E, "1b-plus": 0x0010, "3b": 0xA02082, "zero-2w": 0x902120,
             "4b": 0xC03111, "5": 0xD04170}  # fmt: skip


@pytest.fixture
def factory_on(request: pytest.FixtureRequest) -> Iterator[tuple[mock.Board, LinuxhwFactory]]:
    pi = mock.Board.raspberry_pi(request.param)
    with linuxhw.use_backend(pi):
        made = LinuxhwFactory()
        yield pi, made
        made.close()
    assert pi.open_files() == 0


@pytest.mark.mock_only
@pytest.mark.parametrize("factory_on", list(REVISIONS), indirect=True)
def test_every_name_gpiozero_gives_a_header_pin(factory_on: tuple[mock.Board, LinuxhwFactory]) -> None:
    pi, factory = factory_on
    theirs = PiBoardInfo.from_revision(REVISIONS[pi.layout.id.removeprefix("raspberrypi-")])
    ours = {header.name for header in pi.layout.headers}
    assert ours <= set(theirs.headers)  # J8; P1 (and P5 after rev 1): gpiozero has the rest (RUN, J2...) too
    checked = 0
    for header in ours:
        for info in theirs.headers[header].pins.values():
            for name in sorted(info.names, key=str):
                if "gpio" in info.interfaces:
                    assert factory.pin(name).info.name == info.name, (header, name)
                else:
                    with pytest.raises(PinInvalidPin, match="is not a GPIO pin"):
                        factory.pin(name)
                checked += 1
    assert checked >= 26 * 2


@pytest.mark.mock_only
@pytest.mark.parametrize("factory_on", ["4b"], indirect=True)
def test_names_are_gpiozeros_exactly(factory_on: tuple[mock.Board, LinuxhwFactory]) -> None:
    _, factory = factory_on
    assert factory.pin("J8:11") is factory.pin("BOARD11") is factory.pin("WPI0") is factory.pin(17)
    assert factory.pin("pinctrl-bcm2711:17") is factory.pin("GPIO17")  # the chip's own name stays
    for name in ("board11", "j8:11", "P1:11", "BOARD41", "WPI17", "J8:41"):  # gpiozero matches exactly too
        with pytest.raises(PinInvalidPin, match=f"{name} is not a valid pin name"):
            factory.pin(name)


@pytest.fixture
def pi4_soc(backend_name: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], int]]:
    """What a Pi 4's SoC chip drives on a line (by offset), the chip selected as the backend's: the mock Pi's,
    or a gpio-sim bank labelled and named as it (``$LINUXHW_BOARD`` says which board it is: the guest has
    no device tree)."""
    if backend_name == "mock":
        pi = mock.Board.raspberry_pi("4b")
        with linuxhw.use_backend(pi):
            yield pi.device("/dev/gpiochip0").get_value
        assert pi.open_files() == 0
        return
    from linuxhw.sim import GpioSim

    monkeypatch.setenv(boards.BOARD_VARIABLE, "raspberrypi-4b")
    layout = boards.get("raspberrypi-4b").gpio_chips[0]
    with GpioSim() as sim, linuxhw.use_backend(RealBackend()):
        bank = sim.add_bank(layout.num_lines, label=layout.label, names=dict(enumerate(layout.names)))
        sim.enable()
        yield bank.get_value


def test_an_led_on_physical_pin_11(pi4_soc: Callable[[int], int]) -> None:
    factory = LinuxhwFactory()
    try:
        with gpiozero.LED("BOARD11", pin_factory=factory) as led:  # J8:11 is GPIO17
            led.on()
            assert pi4_soc(17) == 1
            led.off()
            assert pi4_soc(17) == 0
    finally:
        factory.close()


@pytest.mark.mock_only
def test_a_board_linuxhw_does_not_know(demo: mock.Board, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINUXHW_BOARD", "raspberrypi-9")
    with pytest.raises(LookupError, match=r"\$LINUXHW_BOARD: unknown board 'raspberrypi-9'"):
        LinuxhwFactory()
