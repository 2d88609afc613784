"""The faces table and its import hook in one process: what ``linuxhw run`` and the ``linuxhw_faces`` fixture
install, and how they put everything back."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import linuxhw
import linuxhw.compat.smbus
import linuxhw.compat.smbus2
import linuxhw.compat.spidev
from linuxhw import mock
from linuxhw.compat.faces import FACES, Face, FaceImports, Replaced, face_names, select_faces
from linuxhw.testing import MockHardware
from linuxhw.testing.faces import Faces

smbus2 = pytest.importorskip("smbus2")  # the real one, installed beside linuxhw (a test dependency)


def test_every_face_names_modules_that_exist() -> None:
    assert {"smbus", "smbus2", "spidev", "gpiozero"} <= set(face_names())
    assert len(set(face_names())) == len(FACES)
    imports = [name for face in FACES for name in face.modules]
    assert len(set(imports)) == len(imports), "two faces answer one import"
    for face in FACES:
        assert face.modules or face.environment, face.name
        for target in face.modules.values():  # found, not imported: Blinka's board reads the board at import
            assert importlib.util.find_spec(target) is not None, target


def test_outside_a_run_no_face_answers_an_import() -> None:
    """Installing linuxhw puts no module under a face's name anywhere: a fresh interpreter that imports
    the hook, the runner and the plugin still finds the installed packages (or nothing) for those names."""
    names = [name.partition(".")[0] for face in FACES for name in face.modules]
    code = (
        "import importlib.util, json, linuxhw.compat.faces, linuxhw.cli.run_cmd, linuxhw.testing.plugin\n"
        f"print(json.dumps({{n: getattr(importlib.util.find_spec(n), 'origin', None) for n in {names!r}}}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    found = json.loads(done.stdout)
    linuxhw_dir = os.path.dirname(linuxhw.__file__)
    assert found.keys() == set(names)
    assert not [origin for origin in found.values() if origin and origin.startswith(linuxhw_dir)]
    assert found["smbus2"] is not None  # the real one, installed beside linuxhw for these tests


def test_select_faces_by_name_and_without() -> None:
    assert [f.name for f in select_faces(["spidev", "smbus"])] == ["smbus", "spidev"]  # table order
    assert "smbus2" not in [f.name for f in select_faces(without=["smbus2"])]
    assert select_faces() == FACES
    with pytest.raises(ValueError, match="no face named 'smbus3': the faces are smbus, smbus2"):
        select_faces(["smbus3"])
    with pytest.raises(ValueError, match="no face named 'RPi'"):
        select_faces(without=["RPi"])


def test_imports_get_the_faces_and_then_the_installed_packages_again() -> None:
    real = sys.modules["smbus2"]  # imported above: set aside while the faces are in, then back
    reports: list[Replaced] = []
    with FaceImports(select_faces(["smbus", "smbus2"]), reports.append) as imports:
        import smbus  # type: ignore[import-not-found]
        import smbus2 as face

        assert face is linuxhw.compat.smbus2 and smbus is linuxhw.compat.smbus
        assert importlib.import_module("smbus2") is face
        [replaced] = imports.replaced  # python-smbus is not installed: only smbus2 was replaced
        assert reports == [replaced] and replaced.name == "smbus2"
        assert replaced.location == os.path.dirname(str(real.__file__))
        assert (
            str(replaced)
            == f"import smbus2 gets linuxhw.compat.smbus2, not the smbus2 installed at {replaced.location}"
        )
        import spidev  # not a face here: the installed one

        assert spidev.__name__ == "spidev" and "linuxhw" not in (spidev.__file__ or "")
    assert sys.modules["smbus2"] is real and "smbus" not in sys.modules
    assert importlib.import_module("smbus2") is real


def test_a_dotted_face_gets_its_package(tmp_path: Path) -> None:
    """A face answering ``pkg.mod`` (as RPi.GPIO) makes ``pkg`` a package holding it, where nothing is installed."""
    face = Face("demo", "a dotted peer", {"lhw_demo_peer.GPIO": "linuxhw.compat.smbus"})
    with FaceImports([face]):
        import lhw_demo_peer.GPIO as gpio  # type: ignore[import-not-found]
        from lhw_demo_peer import GPIO

        assert gpio is GPIO is linuxhw.compat.smbus
        assert sys.modules["lhw_demo_peer"].__path__ == []
    assert "lhw_demo_peer" not in sys.modules and "lhw_demo_peer.GPIO" not in sys.modules
    with pytest.raises(ModuleNotFoundError):
        import lhw_demo_peer  # noqa: F401


def test_a_face_answering_with_a_package_answers_its_submodules_with_the_same_modules() -> None:
    """``import board.pins`` of a face answering ``board`` with a linuxhw package gets that package's own
    submodule, never a second copy (whose classes would differ from the package's)."""
    face = Face("demo", "a package peer", {"lhw_demo_pkg": "linuxhw.compat"})
    with FaceImports([face]):
        import lhw_demo_pkg.smbus  # type: ignore[import-not-found]
        from lhw_demo_pkg import spidev

        assert lhw_demo_pkg.smbus is linuxhw.compat.smbus and spidev is linuxhw.compat.spidev
        assert sys.modules["lhw_demo_pkg.smbus"] is linuxhw.compat.smbus
        with pytest.raises(ModuleNotFoundError):
            import lhw_demo_pkg.nothing_here  # type: ignore[import-not-found]
    assert not [name for name in sys.modules if name.startswith("lhw_demo_pkg")]


def test_environment_is_set_only_where_the_user_left_it_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GPIOZERO_PIN_FACTORY", raising=False)
    with FaceImports(select_faces(["gpiozero"])):
        assert os.environ["GPIOZERO_PIN_FACTORY"] == "linuxhw"
    assert "GPIOZERO_PIN_FACTORY" not in os.environ
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "mock")
    with FaceImports(select_faces(["gpiozero"])):
        assert os.environ["GPIOZERO_PIN_FACTORY"] == "mock"
    assert os.environ["GPIOZERO_PIN_FACTORY"] == "mock"


def test_gpiozero_factory_made_through_the_face_is_closed_after(monkeypatch: pytest.MonkeyPatch) -> None:
    gpiozero = pytest.importorskip("gpiozero")
    monkeypatch.delenv("GPIOZERO_PIN_FACTORY", raising=False)
    monkeypatch.delenv("LINUXHW_GPIOZERO_CHIP", raising=False)
    board = mock.demo_board()
    with MockHardware(board) as hw:
        before = gpiozero.Device.pin_factory
        with FaceImports(select_faces(["gpiozero"])):
            led = gpiozero.LED(17)
            led.on()
            soc, offset = board.header_line("GPIO17")
            assert soc.get_value(offset) == 1
        assert gpiozero.Device.pin_factory is before
        assert hw.open_handles() == 0  # the factory's chip and the LED's line were closed


def test_the_fixture_runs_a_script_with_its_own_module_of_a_faces_name(
    linuxhw_faces: Faces, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "smbus2.py").write_text("WHO = 'mine'\n")
    (tmp_path / "own.py").write_text("import smbus2\nprint(smbus2.WHO)\n")
    assert linuxhw_faces.run(str(tmp_path / "own.py")) == 0
    assert capsys.readouterr().out == "mine\n"
    [own] = [replaced for replaced in linuxhw_faces.replaced if replaced.own]
    assert (own.name, own.location) == ("smbus2", str(tmp_path / "smbus2.py"))
    import smbus2  # the test's own import, outside the program: the face

    assert smbus2 is linuxhw.compat.smbus2


MPU6050_SCRIPT = """
from mpu6050 import mpu6050
sensor = mpu6050(0x68)
print(sensor.get_temp(), sensor.get_accel_data(g=True)["z"], sensor.get_gyro_data()["x"])
"""


def test_the_fixture_runs_an_unchanged_driver_on_the_tests_board(
    linuxhw_mock: MockHardware, linuxhw_faces: Faces, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if importlib.util.find_spec("mpu6050") is None:  # pip install mpu6050-raspberrypi: it does `import smbus`
        pytest.skip("mpu6050-raspberrypi is not installed (pip install -e '.[test]')")
    board = linuxhw_mock.board
    board.add_i2c_bus("i2c-0")
    registers = {0x3F: 0x40, 0x41: 0, 0x42: 0, 0x43: 0x00, 0x44: 0x83, 0x6B: 0x40}  # z 1 g, 36.53 °C, 1 °/s
    mpu = board.add_i2c_bus("i2c-1").attach(0x68, mock.RegisterDevice(defaults=registers))
    script = tmp_path / "level.py"
    script.write_text(MPU6050_SCRIPT)
    assert linuxhw_faces.run(str(script)) == 0
    assert capsys.readouterr().out == "36.53 1.0 1.0\n"
    assert mpu.read_register(0x6B) == 0  # the driver woke the chip up
    assert linuxhw_faces.names == face_names()


def test_the_fixture_runs_a_script_as_python_would(
    linuxhw_faces: Faces, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "show.py"
    script.write_text(
        textwrap.dedent("""
        import sys, smbus2
        import __main__
        print(sys.argv, __name__, __main__.__dict__ is globals(), sys.path[0] == __file__.rsplit("/", 1)[0])
        print(smbus2.__name__)
        if sys.argv[1:] == ["fail"]:
            raise SystemExit("bad input")
        if sys.argv[1:] == ["raise"]:
            def inner():
                raise KeyError("x")
            inner()
        if sys.argv[1:] == ["interrupt"]:
            raise KeyboardInterrupt
        """)
    )
    argv, main = list(sys.argv), sys.modules["__main__"]
    assert linuxhw_faces.run(str(script), "ok") == 0
    assert capsys.readouterr().out == f"[{str(script)!r}, 'ok'] __main__ True True\nlinuxhw.compat.smbus2\n"
    assert sys.argv == argv and sys.modules["__main__"] is main
    assert linuxhw_faces.run(str(script), "fail") == 1
    assert capsys.readouterr().err == "bad input\n"
    assert linuxhw_faces.run(str(script), "raise") == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "Traceback (most recent call last):"
    assert err[1] == f'  File "{script}", line 11, in <module>' and err[-1] == "KeyError: 'x'"
    assert linuxhw_faces.run(str(script), "interrupt") == 130
    assert capsys.readouterr().err.splitlines()[-1] == "KeyboardInterrupt"
    with pytest.raises(FileNotFoundError, match="can't open file"):
        linuxhw_faces.run(str(tmp_path / "missing.py"))


@pytest.mark.linuxhw_faces("spidev")
def test_the_marker_picks_the_faces(linuxhw_faces: Faces) -> None:
    import spidev

    assert spidev is linuxhw.compat.spidev and linuxhw_faces.names == ["spidev"]
    import smbus2 as real

    assert real is smbus2
