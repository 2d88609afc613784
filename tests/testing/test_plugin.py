"""The pytest plugin (linuxhw.testing) as a user's test suite sees it, run with pytester on the mock board.

Each session runs in a subprocess: an in-process one would drop the linuxhw modules it imported
first, and later tests would then see two copies of their classes."""

from __future__ import annotations

from pathlib import Path

import pytest

from linuxhw.sim.gpiosim import CONFIGFS_DIR
from tests.testing.user_tests import USER_TESTS


def test_mock_run_of_a_user_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-k", "mock or leak_is_closed", "-rA")
    result.assert_outcomes(passed=5, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_a_leak_fails_at_teardown?mock?*",
            "after the test: 1 linuxhw handle(s) left open on the mock backend",
        ]
    )


@pytest.mark.skipif(CONFIGFS_DIR.is_dir(), reason="this kernel has gpio-sim: the kernel runs do not skip here")
def test_kernel_runs_skip_with_the_reason_where_the_kernel_lacks_simulators(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LINUXHW_TEST_TIER", raising=False)
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-k", "kernel and not leak", "-rs")
    result.assert_outcomes(skipped=3)
    result.stdout.fnmatch_lines(["*SKIPPED*this kernel has no gpio-sim*linuxhw vm -- pytest*"])


@pytest.mark.skipif(CONFIGFS_DIR.is_dir(), reason="this kernel has gpio-sim")
def test_kernel_tier_turns_a_missing_simulator_into_a_failure(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINUXHW_TEST_TIER", "kernel")
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-k", "test_gpio_edge_and_output and kernel")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*LINUXHW_TEST_TIER=kernel, but this kernel has no gpio-sim*"])


def test_unmarked_tests_follow_the_ini_option(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nlinuxhw_backends = mock kernel\n")
    pytester.makepyfile(
        """
        def test_which(linuxhw_hardware):
            print("backend", linuxhw_hardware.name)
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["*test_which?mock?", "*test_which?kernel?"])


def test_a_wrong_backend_name_is_a_usage_error_naming_the_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.linuxhw_backends("mock", "real")
        def test_x(linuxhw_hardware):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*linuxhw_backends('mock', 'real'): backends must be some of ('mock', 'kernel')"])


def test_mock_hardware_is_fresh_selected_and_takes_models(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import linuxhw
        from linuxhw import i2c, spi
        from linuxhw.mock import Bme280, Loopback

        seen = []

        def test_first(linuxhw_mock):
            assert linuxhw.get_backend() is linuxhw_mock.board
            seen.append(linuxhw_mock.board)
            bus = linuxhw_mock.add_i2c_device(0x76, Bme280())
            with i2c.Bus(bus) as handle:
                assert handle.device(0x76).read_byte_data(0xD0) == 0x60
            with spi.Device(linuxhw_mock.add_spi_device(Loopback())) as device:
                assert device.transfer(b"hi") == b"hi"

        def test_second(linuxhw_mock):
            assert linuxhw_mock.board is not seen[0]
            assert linuxhw_mock.board.devices() == []
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_the_plugin_restores_the_previous_backend(linuxhw_mock: object) -> None:
    """Used in this suite too: the plugin loads next to tests/conftest.py without a clash."""
    import linuxhw
    from linuxhw.testing import MockHardware

    assert isinstance(linuxhw_mock, MockHardware)
    assert linuxhw.get_backend() is linuxhw_mock.board


def test_the_readme_example_test_passes_on_the_mock(pytester: pytest.Pytester) -> None:
    readme = (Path(__file__).resolve().parent.parent.parent / "README.md").read_text()
    (block,) = [b for b in readme.split("```python\n") if b.startswith("import pytest\n")]
    pytester.makepyfile(test_readme_example=block.split("```", 1)[0])
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rs")
    kernel_runs = CONFIGFS_DIR.is_dir()  # the kernel run passes where gpio-sim exists, else skips
    result.assert_outcomes(passed=2 if kernel_runs else 1, skipped=0 if kernel_runs else 1)


PARTS = """
from linuxhw import mock
from linuxhw._kernel.real import RealBackend

def make_board():
    board = mock.Board()
    board.add_gpio_chip(4, label="my-parts")
    return board

def bench():
    board = mock.Board()
    board.add_gpio_chip(2, label="bench")
    return board

def the_kernel():
    return RealBackend()
"""

BOARD_TESTS = """
import pytest
import myparts
from linuxhw import gpio

def labels():
    return " ".join(chip.label for chip in gpio.chips())

def test_unmarked(linuxhw_mock):
    print("unmarked", labels())

def test_hardware(linuxhw_hardware):
    print("hardware", labels())

@pytest.mark.linuxhw_mock_board("mock")
def test_demo(linuxhw_mock):
    print("demo", labels())

@pytest.mark.linuxhw_mock_board(factory=myparts.bench)
def test_callable(linuxhw_mock):
    print("callable", labels())
    linuxhw_mock.add_gpio_chip(1, label="extra")  # the shared shape works on a factory's board
    print("extended", labels())
"""


def test_the_mock_board_comes_from_the_ini_option_the_command_line_or_a_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(myparts=PARTS, test_boards=BOARD_TESTS)
    pytester.makeini("[pytest]\nlinuxhw_mock_board = myparts:make_board\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines_random(
        [
            "*unmarked my-parts*",
            "*hardware my-parts*",
            "*demo pinctrl-bcm2711 mock-expander*",
            "*callable bench*",
            "*extended bench extra*",
        ]
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s", "--linuxhw-mock-board=myparts:bench")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines_random(["*unmarked bench*", "*hardware bench*", "*demo pinctrl-bcm2711*"])


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("real", "ini option linuxhw_mock_board: a mock board is 'mock' * or 'package.module:factory' *, not 'real'"),
        ("myparts:make_bord", "ini option linuxhw_mock_board='myparts:make_bord': myparts has no attribute*"),
        ("myparts:the_kernel", "ini option linuxhw_mock_board gave <*RealBackend*, not a linuxhw.mock.Board"),
    ],
)  # fmt: skip
def test_a_board_that_cannot_be_made_fails_the_test_naming_the_option(
    pytester: pytest.Pytester, spec: str, message: str
) -> None:
    pytester.makepyfile(myparts=PARTS, test_boards="def test_unmarked(linuxhw_mock):\n    pass\n")
    pytester.makeini(f"[pytest]\nlinuxhw_mock_board = {spec}\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*test_boards.py::test_unmarked: {message}"])


def test_linuxhw_faces_marker_names_faces(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.linuxhw_faces("smbus", without=["spidev"])
        def test_picked(linuxhw_faces):
            import smbus
            assert smbus.__name__ == "linuxhw.compat.smbus" and linuxhw_faces.names == ["smbus"]

        @pytest.mark.linuxhw_faces("smbus3")
        def test_unknown(linuxhw_faces):
            pass

        @pytest.mark.linuxhw_faces(only=["smbus"])
        def test_wrong_keyword(linuxhw_faces):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA")
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines_random(
        [
            "*test_unknown: @pytest.mark.linuxhw_faces: no face named 'smbus3': the faces are smbus, smbus2*",
            "*test_wrong_keyword: @pytest.mark.linuxhw_faces: it takes face names and without=?names?, not only=",
        ]
    )
