# aioli's tasks, seen from gdb: `aioli ps`, `aioli pstree`, `aioli where ID`,
# `aioli tick` and `aioli break-tick N`.
#
# Load it in gdb with `source gdb/aioli_gdb.py` (docs/src/09-debugging.md
# shows how to load it automatically). It works on any debug build of a
# program that uses aioli, with no change to the program: the commands only
# *read* the stopped program's memory, the way `print` does.
#
# How it finds the tasks. aioli keeps the running loop in a thread-local,
# `CURRENT` in runtime/src/context.rs: a `RefCell<Option<Rc<Core>>>`. The
# loop's `Core` (runtime/src/runtime/core.rs) holds the task table, a
# `RefCell<TaskTable>` whose `slots` is a `slab::Slab<TaskSlot>`: a `Vec` of
# `Entry::Occupied(TaskSlot)` / `Entry::Vacant(next_free)`. Each `TaskSlot`
# (runtime/src/task/table.rs) has the task's name, poll count, spawn site,
# the spawner and awaiter ids, and the task's future. So this file is mostly
# a walk: thread-local -> Option -> Rc -> Core -> RefCell -> Slab -> Vec ->
# Entry -> TaskSlot, with one small helper per Rust type on the way.
#
# How gdb's Python sees Rust values. A struct is a gdb.Value whose fields are
# read by name (`value["tick"]`). A Rust enum (Option, slab::Entry, the state
# of an `async fn`) is a value whose *dynamic* type has one named field, the
# active variant: `variant()` below returns its name and contents. Tuple
# fields are named `__0`, `__1`. Slices and `&str` are {data_ptr, length}.
# A `Box<dyn Future>` is {pointer, vtable}; gdb finds the concrete type
# behind it from the vtable's symbol name, `<T as Future>::{vtable}`.
#
# An `async fn` compiles to an enum: `Unresumed` (not polled yet), one
# `SuspendN` variant per `.await` it can stop at, `Returned`, `Panicked`. A
# suspended state holds the future it awaits in a field named `__awaitee`;
# following `__awaitee` from the task's future down is the task's "await
# chain": `aioli where` prints it, the closest thing to a stack a waiting
# task has (its real stack is gone: a task only has one while it is polled).
#
# Written for gdb 12+ and Rust 1.80+; the field names it follows are those of
# the Rust standard library and of aioli, so a change in either may need a
# change here (tests/stepping.rs runs every command and would notice).

import re

import gdb

# ----- Reading Rust values -------------------------------------------------


def variant(value):
    """The active variant of a Rust enum value: (name, contents)."""
    value = value.cast(value.dynamic_type)
    for field in value.type.fields():
        # The discriminant is an unnamed, artificial field; the one named
        # field left is the variant in use.
        if field.name is not None and not field.artificial:
            return field.name, value[field]
    return None, None


def option(value):
    """A Rust `Option<T>` as a gdb.Value of T, or None."""
    name, contents = variant(value)
    return contents["__0"] if name == "Some" else None


def cell(value):
    """The value inside a `Cell<T>` or `RefCell<T>` (both wrap an UnsafeCell)."""
    return value["value"]["value"]


def rust_str(value):
    """A `&str` (a {data_ptr, length} pair) as a Python string."""
    length = int(value["length"])
    if length == 0:
        return ""
    return value["data_ptr"].string("utf-8", "replace", length)


def arc_str(value):
    """An `Arc<str>` as a Python string. The Arc points at an ArcInner
    {strong, weak, data: str}; the fat pointer carries the length."""
    fat = value["ptr"]["pointer"]
    inner = fat["data_ptr"]
    data_offset = inner.dereference().type["data"].bitpos // 8
    address = inner.cast(gdb.lookup_type("u8").pointer()) + data_offset
    return address.string("utf-8", "replace", int(fat["length"]))


def vec_items(value):
    """The elements of a `Vec<T>`, as gdb.Values."""
    element = value.type.template_argument(0)
    length = int(value["len"])
    # RawVec keeps its pointer untyped (a NonNull<u8>) a few levels down.
    pointer = value["buf"]["inner"]["ptr"]["pointer"]["pointer"]
    first = pointer.cast(element.pointer())
    return [(first + index).dereference() for index in range(length)]


def location(value):
    """A `&'static Location` as "file:line:column"."""
    place = value.dereference()
    names = [field.name for field in place.type.fields()]
    if "file" in names:
        file = rust_str(place["file"])
    else:
        # Newer Rust stores the file name as a pointer to a NUL-terminated
        # string; read it as a C string.
        file = place[names[0]]["pointer"].cast(gdb.lookup_type("u8").pointer()).string("utf-8", "replace")
    return "{}:{}:{}".format(file, int(place["line"]), int(place["col"]))


def task_id(value):
    """An aioli `task::Id` as it prints: `main` or `task#N`. Anything with
    a `generation` field will do (a TaskSlot has one too)."""
    generation = int(value["generation"])
    return "main" if generation == 0 else "task#{}".format(generation)


# ----- Finding the loop ----------------------------------------------------

CURRENT = "aioli::context::CURRENT::{constant#0}::{closure#0}::__RUST_STD_INTERNAL_VAL"


def current_core():
    """The `Core` of the loop running on the selected thread."""
    symbol, _ = gdb.lookup_symbol(CURRENT)
    if symbol is None:
        raise gdb.GdbError("no aioli thread-local here: is this a debug build of a program that uses aioli?")
    storage = symbol.value(gdb.selected_frame())
    # Storage { val: UnsafeCell<RefCell<Option<Rc<Core>>>>, state }
    rc = option(cell(storage["val"]["value"]))
    if rc is None:
        raise gdb.GdbError("no aioli loop is running on this thread (stop inside aioli::run, e.g. `break run_once`)")
    # Rc<Core> -> RcInner { strong, weak, value: Core }
    return rc["ptr"]["pointer"].dereference()["value"]


def optional_id(value):
    """An `Option<Id>` as `task#N`, `main` or None."""
    inner = option(value)
    return task_id(inner) if inner is not None else None


class Task:
    """One TaskSlot (runtime/src/task/table.rs), read into Python."""

    def __init__(self, slot):
        self.slot = slot
        # The slot's generation is the task's spawn number, the N of task#N.
        self.id = task_id(slot)
        name = option(slot["name"])
        self.name = arc_str(name) if name is not None else None
        self.polls = int(slot["polls"])
        self.spawned_at = location(slot["spawned_at"])
        self.future_type = rust_str(slot["future_type"])
        self.spawned_by = optional_id(slot["spawned_by"])
        self.awaited_by = optional_id(slot["awaited_by"])
        self.future = option(slot["future"])
        if self.future is None:
            # The loop moves the future out of the slot while it polls it.
            self.state = "running"
        else:
            # TaskWaker.scheduled, an AtomicBool: set by a wake, cleared
            # when the poll starts.
            waker_state = slot["waker_state"]["ptr"]["pointer"].dereference()["data"]
            scheduled = int(waker_state["scheduled"]["v"]["value"])
            self.state = "scheduled" if scheduled else "waiting"

    def label(self):
        return '{} "{}"'.format(self.id, self.name) if self.name else self.id


def live_tasks(core):
    """Every occupied slot of the task table, in spawn order."""
    table = cell(core["tasks"])
    tasks = []
    for entry in vec_items(table["slots"]["entries"]):
        # A free slot is Entry::Vacant(index of the next free slot).
        name, contents = variant(entry)
        if name == "Occupied":
            tasks.append(Task(contents["__0"]))
    tasks.sort(key=lambda task: int(task.slot["generation"]))
    return tasks


# ----- The await chain -----------------------------------------------------


def short_type(name):
    """A type name a reader can take in at a glance: generic arguments are
    dropped, and the compiler's names for async state machines are said in
    words: `app::worker::{async_fn_env#0}` -> `async fn app::worker`."""
    depth, plain = 0, ""
    for char in name:
        if char == "<":
            depth += 1
        elif char == ">":
            depth -= 1
        elif depth == 0:
            plain += char
    # The wrappers aioli puts around every task and around the main future.
    if plain == "aioli::runtime::core::{impl#0}::spawn::{async_block_env#0}":
        return "the task's wrapper (async block in Core::spawn)"
    if plain == "aioli::runtime::{impl#0}::block_on::{async_block_env#0}":
        return "the main future's wrapper (async block in Runtime::block_on)"
    match = re.match(r"(.*)::\{async_fn_env#\d+\}$", plain)
    if match:
        return "async fn " + match.group(1)
    match = re.match(r"(.*)::\{async_block_env#\d+\}$", plain)
    if match:
        return "async block in " + match.group(1)
    match = re.match(r"(.*)::\{async_fn#\d+\}::\{closure_env#\d+\}$", plain)
    if match:
        return "a closure in async fn " + match.group(1)
    return plain


def boxed_future(boxed):
    """The concrete future behind a `Pin<Box<dyn Future>>` or a
    `Pin<&mut dyn Future>`, and its type name.

    A pointer to a `dyn Trait` is two words, shown by gdb as {pointer,
    vtable}. The debug info names each vtable `<T as Trait>::{vtable}`, and
    gdb's Rust support uses that to dereference such a pointer to the
    concrete T: the `*` in the expression below does it."""
    fat = boxed
    # Pin<P> is a struct around the pointer: go down first fields until
    # the {pointer, vtable} pair shows up.
    while [field.name for field in fat.type.fields()][:2] != ["pointer", "vtable"]:
        fat = fat[fat.type.fields()[0]]
    gdb.set_convenience_variable("aioli_dyn", fat)
    try:
        concrete = gdb.parse_and_eval("*$aioli_dyn")
    except gdb.error as error:
        return None, str(error)
    return concrete, str(concrete.type)


def coroutine_state(name):
    """The state of an async fn/block, from its variant's name. gdb names
    them by number: 0 Unresumed, 1 Returned, 2 Panicked, 3 + N SuspendN."""
    if name is None:
        return None
    if re.match(r"(Unresumed|Returned|Panicked|Suspend\d+)$", name):
        return name
    if not name.isdigit():
        return None
    number = int(name)
    return ["Unresumed", "Returned", "Panicked"][number] if number < 3 else "Suspend{}".format(number - 3)


def is_state_machine(value):
    """True for the compiler's state machine of an async fn or block."""
    return re.search(r"\{async_(fn|block)_env#\d+\}", str(value.type)) is not None


def await_chain(future, limit=12):
    """[(type name, state, contents), ...] from `future` down its awaitees.
    The last entry is the future the chain waits in: a hand-written one
    (a Sleep, a JoinHandle, a socket read), with state None."""
    chain = []
    while future is not None and len(chain) < limit:
        type_name = str(future.type)
        if not is_state_machine(future):
            chain.append((type_name, None, future))
            break
        name, contents = variant(future)
        state = coroutine_state(name)
        chain.append((type_name, state, contents))
        if contents is None or "__awaitee" not in [field.name for field in contents.type.fields()]:
            break
        future = contents["__awaitee"]
        # An awaitee behind a pointer (`Pin<&mut F>` from pin!, a Box):
        # follow it to the future itself.
        while future.type.code == gdb.TYPE_CODE_STRUCT and len(future.type.fields()) == 1:
            inner = future[future.type.fields()[0]]
            if inner.type.code != gdb.TYPE_CODE_PTR:
                break
            future = inner.dereference()
    return chain


# ----- The commands --------------------------------------------------------


class Aioli(gdb.Command):
    """Commands for aioli's tasks: aioli ps, aioli pstree, aioli where ID, aioli tick, aioli break-tick N."""

    def __init__(self):
        super().__init__("aioli", gdb.COMMAND_DATA, gdb.COMPLETE_NONE, True)


class Ps(gdb.Command):
    """List the live tasks: id, name, state, polls, spawn site, future type.

The main future (the one given to aioli::run) is not a task and not listed."""

    def __init__(self):
        super().__init__("aioli ps", gdb.COMMAND_DATA)

    def invoke(self, argument, from_tty):
        core = current_core()
        tasks = live_tasks(core)
        tick, _ = tick_and_phase(core)
        print("tick {}: {} live task{}".format(tick, len(tasks), "" if len(tasks) == 1 else "s"))
        print("  {:<8} {:<12} {:<10} {:>5}  {}".format("ID", "NAME", "STATE", "POLLS", "SPAWNED AT / WAITS ON"))
        for task in tasks:
            print(
                "  {:<8} {:<12} {:<10} {:>5}  {}".format(
                    task.id, task.name or "-", task.state, task.polls, task.spawned_at
                )
            )
            print("  {:<8} {:<12} {:<10} {:>5}  {}".format("", "", "", "", waits_on(task)))


def waits_on(task):
    """One line: the innermost future of the task's await chain."""
    if task.future is None:
        return "(being polled now)"
    future, _ = boxed_future(task.future)
    if future is None:
        return "future: " + short_type(task.future_type)
    chain = await_chain(future)
    if not chain:
        return "future: " + short_type(task.future_type)
    type_name, state, contents = chain[-1]
    if state == "Unresumed":
        # Spawned, never polled: its future is still the one given to spawn.
        return "not polled yet; future: " + short_type(task.future_type)
    if state is None:
        return "awaits " + describe_leaf(contents)
    return "{} in {}".format(short_type(type_name), state)


def describe_leaf(future):
    """A hand-written future in words, for the ones aioli knows; others
    by their type name."""
    name = short_type(str(future.type))
    if name.endswith("JoinHandle"):
        return "JoinHandle of {}".format(task_id(future["id"]))
    if name.endswith("Sleep"):
        armed = option(future["timer"]) is not None
        return "Sleep ({})".format("timer armed" if armed else "not armed yet")
    return name


class PsTree(gdb.Command):
    """Draw who spawned whom; `awaited by` says who awaits a task's JoinHandle."""

    def __init__(self):
        super().__init__("aioli pstree", gdb.COMMAND_DATA)

    def invoke(self, argument, from_tty):
        tasks = live_tasks(current_core())
        children = {}
        ids = {task.id for task in tasks}
        for task in tasks:
            # A parent that has ended hangs its children on the root.
            parent = task.spawned_by if task.spawned_by in ids else "main"
            children.setdefault(parent, []).append(task)
        print("main")
        self.draw(children, "main", "")

    def draw(self, children, parent, indent):
        kids = children.get(parent, [])
        for number, task in enumerate(kids):
            last = number == len(kids) - 1
            awaited = "  (awaited by {})".format(task.awaited_by) if task.awaited_by else ""
            print("{}{}── {} [{}]{}".format(indent, "└" if last else "├", task.label(), task.state, awaited))
            self.draw(children, task.id, indent + ("    " if last else "│   "))


class Where(gdb.Command):
    """Show a task's await chain: `aioli where 2` (task#2) or `aioli where main`.

Each line is one future, outermost first, with the state it is suspended in
(SuspendN is its N-th .await, counting from 0)."""

    def __init__(self):
        super().__init__("aioli where", gdb.COMMAND_DATA)

    def invoke(self, argument, from_tty):
        wanted = argument.strip().removeprefix("task#")
        if not wanted:
            raise gdb.GdbError("usage: aioli where ID   (the number `aioli ps` shows after task#, or main)")
        if wanted == "main":
            future, label = main_future(), "main (the future given to block_on)"
        else:
            matches = [task for task in live_tasks(current_core()) if task.id == "task#" + wanted]
            if not matches:
                raise gdb.GdbError("no live task#{} (see `aioli ps`)".format(wanted))
            task = matches[0]
            label = task.label()
            if task.future is None:
                print("{} is being polled now: its stack is the real one, see `backtrace`".format(label))
                return
            future = task.future
        concrete, type_name = boxed_future(future)
        print("{}:".format(label))
        if concrete is None:
            print("  {} (gdb cannot see inside this type)".format(type_name))
            return
        for depth, (type_name, state, contents) in enumerate(await_chain(concrete)):
            if state is None:
                text = describe_leaf(contents)
            else:
                text = "{} in {}".format(short_type(type_name), state)
            print("  {}#{} {}".format("  " * depth, depth, text))
            if state is None and text == short_type(type_name):
                # A future this script has no words for: its fields.
                print("  {}   {}".format("  " * depth, one_line(contents)))


def one_line(value, limit=160):
    """A value printed by gdb, squeezed to one short line."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def main_future():
    """The main future lives on block_on's stack, not in the task table: find
    the `main` argument of a `run_once` frame on the stack."""
    frame = gdb.newest_frame()
    while frame is not None:
        if frame.name() and frame.name().endswith("Core::run_once"):
            return frame.read_var("main").dereference()["future"]
        frame = frame.older()
    raise gdb.GdbError("the main future is only reachable from inside run_once (break there first)")


def before_first_line_ran(frame):
    """True when `frame` (a run_once frame) has not yet run its first line,
    `self.tick.set(self.tick.get() + 1)`: that is where `break run_once`
    stops, on the line after the function's signature."""
    function = frame.function()
    return function is not None and frame.find_sal().line <= function.line + 1


def tick_and_phase(core):
    """The tick the loop is in and a description of its phase, read from
    the counter and from which phase function is on the stack."""
    tick = int(cell(core["tick"]))
    phase = "in run_once, between phases"
    frame = gdb.selected_frame()
    while frame is not None:
        name = frame.name() or ""
        for function, described in PHASES:
            if name.endswith("Core::" + function):
                phase = described
        if name.endswith("Core::run_once"):
            if phase == "in run_once, between phases" and before_first_line_ran(frame):
                # run_once's first line adds one to the counter: stopped
                # before it, we are at the start of the next tick.
                phase = "starting (stopped at run_once's first line; self.tick still reads {})".format(tick)
                tick += 1
            break
        frame = frame.older()
    return tick, phase


PHASES = [
    ("fire_due_timers", "phase 1 (fire due timers)"),
    ("run_ready_tasks", "phase 2 (run ready tasks)"),
    ("wait_for_events", "phase 3 (wait for events)"),
    ("dispatch_io_events", "phase 4 (dispatch IO)"),
]


class Tick(gdb.Command):
    """Print the tick number, the phase the loop is in, and what it is doing."""

    def __init__(self):
        super().__init__("aioli tick", gdb.COMMAND_DATA)

    def invoke(self, argument, from_tty):
        core = current_core()
        tick, phase = tick_and_phase(core)
        activity, contents = variant(cell(core["activity"]))
        doing = activity
        if activity in ("Polling", "Cancelling"):
            doing = "{} {}".format(activity, task_id(contents["__0"]))
        queued = int(cell(core["ready_queue"])["len"])
        print("tick {}, {}; activity: {}; {} id{} in the ready queue".format(
            tick, phase, doing, queued, "" if queued == 1 else "s"))


class TickBreakpoint(gdb.Breakpoint):
    """A breakpoint on run_once that stops only when tick N starts."""

    def __init__(self, tick):
        super().__init__("aioli::runtime::core::Core::run_once", internal=False)
        self.tick = tick

    def stop(self):
        # At run_once's first line the counter still holds the last tick.
        started = int(cell(gdb.parse_and_eval("self").dereference()["tick"]))
        return started + 1 == self.tick


class BreakTick(gdb.Command):
    """Stop when tick N starts: `aioli break-tick 2`, then `run` or `continue`.

The same without this script: break aioli::runtime::core::Core::run_once if self.tick.value.value == N-1"""

    def __init__(self):
        super().__init__("aioli break-tick", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, argument, from_tty):
        try:
            tick = int(argument)
        except ValueError:
            raise gdb.GdbError("usage: aioli break-tick N   (N = the tick to stop at, from 1)")
        breakpoint = TickBreakpoint(tick)
        print("Breakpoint {}: stops when tick {} starts (run_once, self.tick == {})".format(
            breakpoint.number, tick, tick - 1))


Aioli()
Ps()
PsTree()
Where()
Tick()
BreakTick()
