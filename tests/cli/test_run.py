"""``linuxhw run``: unchanged scripts run as ``python`` runs them (compared with python itself, byte for byte),
with their own imports of smbus2, spidev, smbus and gpiozero's pin factory answered by linuxhw's faces."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.unit.test_import_isolation import CLI_MODULES
from tests.waiting import DEADLINE, child_process, read_line

REPO = Path(__file__).resolve().parents[2]
CONSOLE_SCRIPT = Path(sys.executable).with_name("linuxhw")

# Prints what python sets up for a program, then ends as its first argument says.
SHOW = """
import sys, __main__
def inner(how):
    if how == "raise":
        try:
            {}["key"]
        except KeyError as exc:
            raise RuntimeError("from inside") from exc
    if how == "exit":
        sys.exit(int(sys.argv[2]))
    if how == "message":
        sys.exit("a message")
print(sys.argv, __name__, __file__, __doc__, __package__, __spec__ and __spec__.name, __cached__,
      type(__loader__).__name__)
print(sys.path[0], __main__.__dict__ is globals(), sorted(globals()))
inner(sys.argv[1] if sys.argv[1:] else "")
"""


def child_env(**extra: str) -> dict[str, str]:
    """The environment without this test run's LINUXHW_/GPIOZERO_ settings, linuxhw importable."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LINUXHW_", "GPIOZERO_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return {**env, **extra}


def run(command: list[str], cwd: Path, **env: str) -> tuple[int, str, str]:
    done = subprocess.run(command, cwd=cwd, env=child_env(**env), capture_output=True, text=True,
                          timeout=DEADLINE * 4, check=False)  # fmt: skip
    return done.returncode, done.stdout, done.stderr


def assert_interrupted_in(err: str, script: Path) -> None:
    """``err`` is Python's KeyboardInterrupt traceback and nothing else, through ``script``'s frames only
    (which line the signal lands on, a print's flush or the wait after it, is the scheduler's)."""
    lines = err.splitlines()
    assert lines[0] == "Traceback (most recent call last):" and lines[-1] == "KeyboardInterrupt", err
    assert all(line.startswith("  ") for line in lines[1:-1]), err
    frames = [line for line in lines if line.startswith("  File ")]
    assert frames and all(line.startswith(f'  File "{script}", line ') for line in frames), err


def linuxhw_run(*args: str, cwd: Path, **env: str) -> tuple[int, str, str]:
    return run([sys.executable, "-m", "linuxhw", "run", *args], cwd, **env)


@pytest.fixture
def programs(tmp_path: Path) -> Path:
    """A directory of programs: show.py, a package with __main__ and a module, a directory and a zip app,
    a script with a syntax error, one in a subdirectory reached through a symlink."""
    (tmp_path / "show.py").write_text(SHOW)
    (tmp_path / "broken.py").write_text("print('never')\ndef (:\n")
    package = tmp_path / "tool"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(SHOW)
    (package / "cmd.py").write_text(SHOW)
    app = tmp_path / "app"
    app.mkdir()
    (app / "__main__.py").write_text(SHOW)
    with zipfile.ZipFile(tmp_path / "app.zip", "w") as archive:
        archive.writestr("__main__.py", SHOW)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "linked.py").symlink_to(tmp_path / "show.py")
    return tmp_path


@pytest.mark.parametrize(
    "program",
    [
        ["show.py"], ["show.py", "raise"], ["show.py", "exit", "3"], ["show.py", "message"], ["broken.py"],
        ["show.py", "--face", "x", "-m", "y"], ["sub/linked.py", "raise"], ["./show.py", "exit", "0"],
        ["-m", "tool", "raise"], ["-m", "tool.cmd", "exit", "4"], ["-mtool.cmd"], ["app", "raise"],
        ["app.zip", "message"], ["-m", "no_such_module"], ["missing_dir/"],
    ],
    ids=" ".join,
)  # fmt: skip
def test_runs_as_python_runs_it(programs: Path, program: list[str]) -> None:
    """argv, sys.path[0], __main__'s globals, tracebacks (chained ones too), exit status and messages."""
    theirs = run([sys.executable, *program], programs)
    ours = linuxhw_run(*program, cwd=programs)
    if program == ["missing_dir/"]:  # python names itself first: "python: can't open file ..."
        theirs = (theirs[0], theirs[1], theirs[2].replace(f"{sys.executable}: ", "linuxhw run: "))
    assert ours == theirs


def test_ctrl_c_ends_it_as_it_ends_python(programs: Path) -> None:
    """An unhandled KeyboardInterrupt: python's traceback, then death by SIGINT (130 in a shell), after
    atexit hooks ran."""
    (programs / "wait.py").write_text(
        "import atexit, sys, time\natexit.register(print, 'atexit ran')\nprint('ready', flush=True)\ntime.sleep(60)\n"
    )
    outcomes = []
    for command in ([sys.executable, "wait.py"], [str(CONSOLE_SCRIPT), "run", "wait.py"]):
        with child_process(command, cwd=programs, env=child_env(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE) as child:  # fmt: skip
            assert read_line(child.stdout, f"{command}'s ready line") == "ready\n"
            child.send_signal(signal.SIGINT)
            out, err = child.communicate(timeout=DEADLINE)
            outcomes.append((child.returncode, out, err))
    for status, out, err in outcomes:
        assert (status, out) == (-signal.SIGINT, "atexit ran\n")
        assert_interrupted_in(err, programs / "wait.py")


def test_the_console_script_prints_the_programs_traceback_only(programs: Path) -> None:
    assert run([str(CONSOLE_SCRIPT), "run", "show.py", "raise"], programs) == run(
        [sys.executable, "show.py", "raise"], programs
    )


SMBUS2_SCRIPT = """
import smbus2
with smbus2.SMBus(1) as bus:
    print(hex(bus.read_byte_data(0x1c, 0x0f)), bus.read_i2c_block_data(0x50, 0, 2))
"""

BOARD = """
from linuxhw import mock

def pi_like():
    board = mock.Board()
    board.add_i2c_bus("i2c-0")
    mock.attach_reference_models(board.add_i2c_bus("i2c-1"))
    adc = mock.AdcMcp3008()
    adc.set_input(3, 384)
    board.add_spi_bus().add_device(0, adc)
    return board
"""


def test_an_smbus2_script_on_bus_1_of_a_board_named_from_outside(tmp_path: Path) -> None:
    (tmp_path / "read.py").write_text(SMBUS2_SCRIPT)
    (tmp_path / "myboard.py").write_text(BOARD)
    status, out, err = linuxhw_run("--backend", "myboard:pi_like", "read.py", cwd=tmp_path)
    assert (status, out) == (0, "0x6a [255, 255]\n"), err
    installed = os.path.dirname(str(__import__("smbus2").__file__))  # smbus2 is installed here: the run says so
    assert err == (
        f"linuxhw run: import smbus2 gets linuxhw.compat.smbus2, not the smbus2 installed at {installed} "
        "(--no-face smbus2 keeps it)\n"
    )
    assert linuxhw_run("--face", "smbus2", "--backend", "myboard:pi_like", "read.py", cwd=tmp_path) == (
        0,
        "0x6a [255, 255]\n",
        "",
    )  # fmt: skip  (asked for by name: nothing to say)


def test_no_face_keeps_the_installed_package(tmp_path: Path) -> None:
    (tmp_path / "which.py").write_text("import smbus2, spidev\nprint(smbus2.__name__, spidev.__name__)\n")
    assert linuxhw_run("--no-face", "smbus2", "--face", "spidev", "which.py", cwd=tmp_path) == (
        0, "smbus2 linuxhw.compat.spidev\n", ""
    )  # fmt: skip
    status, out, _ = linuxhw_run("which.py", cwd=tmp_path)
    assert (status, out) == (0, "linuxhw.compat.smbus2 linuxhw.compat.spidev\n")


def test_a_spidev_script(tmp_path: Path) -> None:
    (tmp_path / "myboard.py").write_text(BOARD)
    (tmp_path / "adc.py").write_text(
        "import spidev\nadc = spidev.SpiDev()\nadc.open(0, 0)\nadc.max_speed_hz = 1350000\n"
        "reply = adc.xfer2([1, (8 + 3) << 4, 0])\nprint(((reply[1] & 3) << 8) + reply[2])\n"
    )
    assert linuxhw_run("-q", "--backend", "myboard:pi_like", "adc.py", cwd=tmp_path) == (0, "384\n", "")


PI4 = """
from linuxhw import boards, mock

def pi4_with_mcp9808():
    shape = boards.get("raspberrypi-4b")
    board = mock.Board(model=shape.models[0], compatible=shape.compatible)
    for chip in shape.gpio_chips:
        board.add_gpio_chip(chip.num_lines, label=chip.label, names=chip.names)
    board.add_i2c_bus("i2c-0")
    board.add_i2c_bus("i2c-1").attach(0x18, mock.Mcp9808(temperature=23.5))
    return board
"""


def test_an_adafruit_driver_gets_blinkas_modules(tmp_path: Path) -> None:
    """``import board`` (and the driver's busio, digitalio, micropython) get linuxhw's Blinka face, on a board
    shaped like a Pi 4 whose device tree says so."""
    pytest.importorskip("adafruit_mcp9808")
    (tmp_path / "pi4.py").write_text(PI4)
    (tmp_path / "temperature.py").write_text(
        "import board\nimport adafruit_mcp9808\n\nmcp = adafruit_mcp9808.MCP9808(board.I2C())\n"
        "print(mcp.temperature, board.SDA, board.__name__)\n"
    )
    status, out, err = linuxhw_run("-q", "--backend", "pi4:pi4_with_mcp9808", "temperature.py", cwd=tmp_path)
    assert (status, out, err) == (0, "23.5 2 linuxhw.compat.blinka.board\n", "")


def test_the_scripts_own_board_module_wins_over_the_face(tmp_path: Path) -> None:
    """A ``board.py`` beside the script is what its ``import board`` gets, as under python (said on stderr
    once, as the notice for installed packages is); the face still answers the names it does not shadow."""
    (tmp_path / "board.py").write_text("WHO = 'mine'\n")
    (tmp_path / "RPi").mkdir()
    (tmp_path / "RPi" / "__init__.py").write_text("")
    (tmp_path / "RPi" / "GPIO.py").write_text("WHO = 'my RPi.GPIO'\n")
    (tmp_path / "mine.py").write_text(
        "import board, digitalio\nfrom RPi import GPIO\nimport board as again\n"
        "print(board.WHO, GPIO.WHO, again is board, digitalio.__name__)\n"
    )
    status, out, err = linuxhw_run("--backend", "mock", "--no-face", "RPi.GPIO", "mine.py", cwd=tmp_path)
    assert (status, out) == (0, "mine my RPi.GPIO True linuxhw.compat.blinka.digitalio\n"), err
    assert err.splitlines()[0] == (
        f"linuxhw run: import board gets the program's own {tmp_path}/board.py, not linuxhw.compat.blinka.board"
    )
    assert all(line.startswith("linuxhw run: import digitalio gets") for line in err.splitlines()[1:]), err
    status, out, err = linuxhw_run("-q", "--backend", "mock", "mine.py", cwd=tmp_path)
    assert (status, out, err) == (0, "mine my RPi.GPIO True linuxhw.compat.blinka.digitalio\n", "")
    status, out, err = linuxhw_run("--face", "RPi.GPIO", "--backend", "mock", "mine.py", cwd=tmp_path)
    assert (status, err) == (0, ""), err  # its own RPi package too, said of nothing: the face was asked for


def test_a_gpiozero_script_gets_the_linuxhw_pin_factory(tmp_path: Path) -> None:
    pytest.importorskip("gpiozero")
    (tmp_path / "blink.py").write_text(
        "from gpiozero import LED, Device\nled = LED(17)\nled.on()\n"
        "print(type(Device.pin_factory).__name__, led.is_lit, led.pin.info.name)\n"
    )
    assert linuxhw_run("-q", "--backend", "mock", "blink.py", cwd=tmp_path) == (0, "LinuxhwFactory True GPIO17\n", "")
    status, out, _ = linuxhw_run("--backend", "mock", "blink.py", cwd=tmp_path, GPIOZERO_PIN_FACTORY="mock")
    assert (status, out.split()[0]) == (0, "MockFactory")  # the user's own choice stands


def test_the_backend_and_board_are_the_programs_and_its_childrens(tmp_path: Path) -> None:
    (tmp_path / "env.py").write_text(
        "import os, linuxhw\nfrom linuxhw import boards\n"
        "print(os.environ['LINUXHW_BACKEND'], type(linuxhw.get_backend()).__name__, boards.current().id)\n"
    )
    assert linuxhw_run("--board", "raspberrypi-4b", "--backend", "mock", "env.py", cwd=tmp_path)[:2] == (
        0, "mock Board raspberrypi-4b\n"
    )  # fmt: skip
    (tmp_path / "env.py").write_text(
        "import os, linuxhw\nprint(os.environ['LINUXHW_BACKEND'], type(linuxhw.get_backend()).__name__)\n"
    )
    assert run([sys.executable, "-m", "linuxhw", "--backend=mock", "run", "env.py"], tmp_path)[:2] == (
        0,
        "mock Board\n",
    )


# A program in a subdirectory that starts a child python elsewhere; both say which board they are on.
PARENT_AND_CHILD = """
import os, subprocess, sys
from linuxhw import gpio
print([chip.label for chip in gpio.chips()], os.getcwd() in sys.path, sys.path[0] == os.path.dirname(__file__))
child = "from linuxhw import gpio; print([chip.label for chip in gpio.chips()])"
print(subprocess.run([sys.executable, "-c", child], cwd="/", capture_output=True, text=True).stdout, end="")
"""
PARTS = """
from linuxhw import mock

def make_board():
    board = mock.Board()
    board.add_gpio_chip(4, label="my-parts")
    return board
"""


def test_a_factory_in_the_current_directory_is_the_childrens_too(tmp_path: Path) -> None:
    """The child finds the factory's module (PYTHONPATH gets its directory); the program's sys.path is
    python's: the script's directory first, the current directory not on it."""
    (tmp_path / "parts.py").write_text(PARTS)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "prog.py").write_text(PARENT_AND_CHILD)
    status, out, err = linuxhw_run("-q", "--backend", "parts:make_board", "sub/prog.py", cwd=tmp_path)
    assert (status, out, err) == (0, "['my-parts'] False True\n['my-parts']\n", "")
    status, out, err = linuxhw_run("-q", "--backend", "parts:make_board", "prog.py", cwd=tmp_path / "sub",
                                   PYTHONPATH=f"{REPO}{os.pathsep}{tmp_path}")  # fmt: skip
    assert (status, out, err) == (0, "['my-parts'] True True\n['my-parts']\n", "")  # found on PYTHONPATH already


def test_the_clis_own_path_is_restored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from linuxhw.cli import main

    (tmp_path / "parts_restored.py").write_text(PARTS)
    monkeypatch.chdir(tmp_path)
    before = list(sys.path)
    assert main(["--backend", "parts_restored:make_board", "gpio", "detect"]) == 0
    assert sys.path == before


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--face", "smbus3", "x.py"], 2, "linuxhw run: error: no face named 'smbus3': the faces are smbus, smbus2"),
        (["--no-face", "RPi", "x.py"], 2, "linuxhw run: error: no face named 'RPi'"),
        ([], 2, "linuxhw run: error: give a SCRIPT"),
        (["--face"], 2, "linuxhw run: error: argument --face: expected one argument"),
        (["--frobnicate", "x.py"], 2, "linuxhw run: error: unrecognized arguments: --frobnicate"),
        (["-m"], 2, "linuxhw run: error: give a SCRIPT"),
        (["nowhere.py"], 2, "linuxhw run: can't open file '{tmp}/nowhere.py': [Errno 2] No such file or directory"),
        (["--backend", "bogus", "x.py"], 2, "linuxhw run: error: --backend must be 'real' (the kernel), 'mock'"),
        (["--backend", "nomodule:f", "x.py"], 2, "linuxhw run: error: --backend='nomodule:f': no module named"),
        (["--board", "raspberrypi-9", "x.py"], 2, "linuxhw run: error: --board: unknown board 'raspberrypi-9'"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], status: int, message: str) -> None:
    (tmp_path / "x.py").write_text("print('ran')\n")
    code, out, err = linuxhw_run(*args, cwd=tmp_path)
    assert (code, out) == (status, "")
    assert message.format(tmp=tmp_path) in err


def test_global_options_before_run_are_refused(tmp_path: Path) -> None:
    code, _, err = run([sys.executable, "-m", "linuxhw", "--json", "run", "x.py"], tmp_path)
    assert code == 2 and "run takes its options after it" in err


def test_the_run_itself_imports_no_command_nor_subsystem(tmp_path: Path) -> None:
    """What the program finds in sys.modules is what it imported, plus the run's own few modules."""
    (tmp_path / "modules.py").write_text("import json, sys\nprint(json.dumps(sorted(sys.modules)))\n")
    status, out, err = linuxhw_run("modules.py", cwd=tmp_path)
    assert status == 0, err
    loaded = set(json.loads(out))
    heavy = {"linuxhw.gpio", "linuxhw.i2c", "linuxhw.spi", "linuxhw.dmabuf", "linuxhw.mock", "asyncio"}
    assert not loaded & (CLI_MODULES | heavy)
    assert {name for name in loaded if name.startswith("linuxhw.compat.")} == {
        "linuxhw.compat.faces",
        "linuxhw.compat.run",
    }


def test_a_gpiozero_script_stopped_by_ctrl_c_in_pause_prints_only_its_traceback(tmp_path: Path) -> None:
    """gpiozero's own exit hook closes its pins; nothing but Python's KeyboardInterrupt is printed."""
    pytest.importorskip("gpiozero")
    (tmp_path / "hold.py").write_text(
        "from signal import pause\nfrom gpiozero import LED, Button\n"
        "led, button = LED(17), Button(22)\nled.on()\nprint('ready', flush=True)\npause()\n"
    )
    command = [sys.executable, "-m", "linuxhw", "run", "-q", "--backend", "mock", "hold.py"]
    with child_process(command, cwd=tmp_path, env=child_env(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE) as child:  # fmt: skip
        assert read_line(child.stdout, "the script's ready line") == "ready\n"
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=DEADLINE)
    assert (child.returncode, out) == (-signal.SIGINT, "")
    assert_interrupted_in(err, tmp_path / "hold.py")
