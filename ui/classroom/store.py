"""Rooms and votes of class mode behind one interface, with two backends. No Streamlit here.

A room has a short code that students type or scan, and a teacher key that only the teacher's own URL holds.
The teacher publishes the page and question being shown; students vote on that question, one vote per session
(a second pick changes the vote); the teacher reveals the answer, resets the question or closes the room.

- ``MemoryStore``: the default. One process, a lock around every change.
- ``RedisStore``: used when ``REDIS_URL`` is set, so that several app replicas share one room. Every change is
  one Lua script, so it is atomic on the server however many votes arrive at once.

Every key of a room expires ``ttl`` seconds after the room was made. Only hashes of teacher keys are stored.

>>> store = MemoryStore()
>>> code, key = store.create_room()
>>> store.publish(code, key, page="softmax", page_query="", question="softmax.plus5", n_options=4)
True
>>> store.vote(code, "session-a", "softmax.plus5", 1), store.vote(code, "session-a", "softmax.plus5", 2)
('counted', 'changed')
>>> store.room(code).counts
(0, 0, 1, 0)
>>> store.reveal(code, "not the key")
False
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass

# Read aloud and typed on a phone: no 0/O and no 1/I. 32 symbols, 6 of them: about 10^9 codes.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 6
CODE_PATTERN = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16)
ROOM_TTL = 4 * 3600  # a lecture, with room to spare
MAX_VOTERS = 1_000  # per question: keeps a room's memory bounded
MAX_ROOMS = 1_000  # in-process backend only; Redis rooms are bounded by their TTL
MAX_PAGE_QUERY = 4_000  # longer page settings (10,000 logits) are not relayed; students get the page's defaults

# What vote() answers.
COUNTED, CHANGED, SAME = "counted", "changed", "same"
CLOSED, NOT_CURRENT, FULL, NO_ROOM, BAD_OPTION = "closed", "not_current", "full", "no_room", "bad_option"


class StoreUnavailable(RuntimeError):
    """The shared store cannot be reached (Redis down). Class mode says so; the rest of the app goes on."""


class RoomsFull(RuntimeError):
    """The in-process backend holds ``MAX_ROOMS`` open rooms already."""


@dataclass(frozen=True)
class Room:
    """What everyone in a room sees: the teacher's page and question, and the votes on that question."""

    code: str
    page: str
    page_query: str
    question: str  # the quiz key being asked; "" when the teacher's page shows none
    counts: tuple[int, ...]  # votes per option of ``question``
    revealed: bool
    round: int  # bumped by each reset, so a student's page knows its earlier answer was cleared
    my_vote: int | None = None  # the asking session's vote on ``question``

    @property
    def answers(self) -> int:
        return sum(self.counts)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def new_key() -> str:
    return secrets.token_urlsafe(16)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def normalize_code(text: str) -> str:
    """A code as typed or read aloud ("k7q-m4x") in its canonical form ("K7QM4X"); not validated."""
    return re.sub(r"[\s-]", "", text).upper()


def _page_query(text: str) -> str:
    return text if len(text) <= MAX_PAGE_QUERY else ""


class MemoryStore:
    """Rooms in this process's memory. ``clock`` is injectable so tests can move time on."""

    def __init__(self, *, ttl: float = ROOM_TTL, max_voters: int = MAX_VOTERS, max_rooms: int = MAX_ROOMS,
                 clock=time.monotonic) -> None:
        self._ttl, self._max_voters, self._max_rooms, self._clock = ttl, max_voters, max_rooms, clock
        self._rooms: dict[str, dict] = {}
        self._lock = threading.Lock()

    def _live(self, code: str) -> dict | None:
        room = self._rooms.get(code)
        if room is not None and room["expires"] <= self._clock():
            del self._rooms[code]
            return None
        return room

    def _teacher(self, code: str, key: str) -> dict | None:
        room = self._live(code)
        if room is None or not hmac.compare_digest(room["teacher"], key_hash(key)):
            return None
        return room

    def create_room(self) -> tuple[str, str]:
        key = new_key()
        with self._lock:
            now = self._clock()
            for code in [c for c, r in self._rooms.items() if r["expires"] <= now]:
                del self._rooms[code]
            if len(self._rooms) >= self._max_rooms:
                raise RoomsFull(f"{self._max_rooms} rooms are open")
            code = new_code()
            while code in self._rooms:
                code = new_code()
            self._rooms[code] = {"teacher": key_hash(key), "expires": now + self._ttl, "page": "",
                                 "page_query": "", "question": "", "questions": {}}
        return code, key

    def is_teacher(self, code: str, key: str) -> bool:
        with self._lock:
            return self._teacher(code, key) is not None

    def publish(self, code: str, key: str, *, page: str, page_query: str, question: str, n_options: int) -> bool:
        with self._lock:
            room = self._teacher(code, key)
            if room is None:
                return False
            room.update(page=page, page_query=_page_query(page_query), question=question)
            if question:
                q = room["questions"].setdefault(question, {"votes": {}, "revealed": False, "round": 0})
                q["n"] = n_options
            return True

    def room(self, code: str, *, session: str | None = None) -> Room | None:
        with self._lock:
            room = self._live(code)
            if room is None:
                return None
            q = room["questions"].get(room["question"])
            if q is None:
                return Room(code, room["page"], room["page_query"], room["question"], (), False, 0)
            counts = [0] * q["n"]
            for option in q["votes"].values():
                counts[option] += 1
            return Room(code, room["page"], room["page_query"], room["question"], tuple(counts), q["revealed"],
                        q["round"], q["votes"].get(session))

    def vote(self, code: str, session: str, question: str, option: int) -> str:
        with self._lock:
            room = self._live(code)
            if room is None:
                return NO_ROOM
            if room["question"] != question or not question:
                return NOT_CURRENT
            q = room["questions"][question]
            if not 0 <= option < q["n"]:
                return BAD_OPTION
            if q["revealed"]:
                return CLOSED
            old = q["votes"].get(session)
            if old == option:
                return SAME
            if old is None and len(q["votes"]) >= self._max_voters:
                return FULL
            q["votes"][session] = option
            return COUNTED if old is None else CHANGED

    def reveal(self, code: str, key: str) -> bool:
        with self._lock:
            room = self._teacher(code, key)
            if room is None or room["question"] not in room["questions"]:
                return False
            room["questions"][room["question"]]["revealed"] = True
            return True

    def reset(self, code: str, key: str) -> bool:
        with self._lock:
            room = self._teacher(code, key)
            if room is None or room["question"] not in room["questions"]:
                return False
            q = room["questions"][room["question"]]
            q.update(votes={}, revealed=False, round=q["round"] + 1)
            return True

    def close(self, code: str, key: str) -> bool:
        with self._lock:
            if self._teacher(code, key) is None:
                return False
            del self._rooms[code]
            return True


# Keys of one room share the hash tag {CODE}, so a Redis Cluster keeps them in one slot.
# meta: teacher, page, page_query, question, n; q:<question>: revealed, round, c<i> counts; v:<question>:
# session -> option; qs: the questions asked, for close.
_TEACHER_CHECK = """
local meta = KEYS[1]
if redis.call('EXISTS', meta) == 0 then return 'no_room' end
if redis.call('HGET', meta, 'teacher') ~= ARGV[1] then return 'not_teacher' end
"""

_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'teacher', ARGV[1], 'page', '', 'page_query', '', 'question', '', 'n', 0)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""

_PUBLISH = _TEACHER_CHECK + """
-- ARGV: 1 teacher hash, 2 page, 3 page_query, 4 question, 5 n options; KEYS: meta, q, qs
redis.call('HSET', meta, 'page', ARGV[2], 'page_query', ARGV[3], 'question', ARGV[4], 'n', ARGV[5])
local ttl = redis.call('PTTL', meta)
if ARGV[4] ~= '' then
  redis.call('HSETNX', KEYS[2], 'round', 0)
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('SADD', KEYS[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[3], ttl)
end
return 'ok'
"""

_VOTE = """
-- KEYS: meta, q, votes; ARGV: question, session, option, max voters
local meta = KEYS[1]
if redis.call('EXISTS', meta) == 0 then return 'no_room' end
if ARGV[1] == '' or redis.call('HGET', meta, 'question') ~= ARGV[1] then return 'not_current' end
local option = tonumber(ARGV[3])
if option == nil or option < 0 or option >= tonumber(redis.call('HGET', meta, 'n')) then return 'bad_option' end
if redis.call('HGET', KEYS[2], 'revealed') == '1' then return 'closed' end
local old = redis.call('HGET', KEYS[3], ARGV[2])
if old == ARGV[3] then return 'same' end
if not old and redis.call('HLEN', KEYS[3]) >= tonumber(ARGV[4]) then return 'full' end
if old then redis.call('HINCRBY', KEYS[2], 'c' .. old, -1) end
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
redis.call('HINCRBY', KEYS[2], 'c' .. ARGV[3], 1)
local ttl = redis.call('PTTL', meta)
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
if old then return 'changed' end
return 'counted'
"""

_SNAPSHOT = """
-- KEYS: meta; ARGV: key prefix, session. Returns meta fields, the question's fields and the session's vote.
local meta = KEYS[1]
if redis.call('EXISTS', meta) == 0 then return false end
local m = redis.call('HMGET', meta, 'page', 'page_query', 'question', 'n')
local q = {}
local mine = false
if m[3] ~= '' then
  q = redis.call('HGETALL', ARGV[1] .. ':q:' .. m[3])
  if ARGV[2] ~= '' then mine = redis.call('HGET', ARGV[1] .. ':v:' .. m[3], ARGV[2]) end
end
return {m, q, mine}
"""

_REVEAL = _TEACHER_CHECK + """
local question = redis.call('HGET', meta, 'question')
if question == '' then return 'no_question' end
redis.call('HSET', ARGV[2] .. ':q:' .. question, 'revealed', 1)
return 'ok'
"""

_RESET = _TEACHER_CHECK + """
local question = redis.call('HGET', meta, 'question')
if question == '' then return 'no_question' end
local q = ARGV[2] .. ':q:' .. question
local round = tonumber(redis.call('HGET', q, 'round') or '0') + 1
redis.call('DEL', q, ARGV[2] .. ':v:' .. question)
redis.call('HSET', q, 'round', round)
redis.call('PEXPIRE', q, redis.call('PTTL', meta))
return 'ok'
"""

_CLOSE = _TEACHER_CHECK + """
for _, question in ipairs(redis.call('SMEMBERS', ARGV[2] .. ':qs')) do
  redis.call('DEL', ARGV[2] .. ':q:' .. question, ARGV[2] .. ':v:' .. question)
end
redis.call('DEL', meta, ARGV[2] .. ':qs')
return 'ok'
"""


class RedisStore:
    """Rooms in Redis, shared by every replica that points at the same server.

    Scripts name keys they derive from the room's prefix, which is fine on a single server and, thanks to the
    common hash tag, on a cluster too. Any Redis failure surfaces as ``StoreUnavailable``.
    """

    def __init__(self, url: str, *, ttl: int = ROOM_TTL, max_voters: int = MAX_VOTERS, timeout: float = 0.5,
                 prefix: str = "softmax:room") -> None:
        import redis  # only when class mode uses Redis

        self._errors = (redis.RedisError, OSError)
        self._redis = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                           decode_responses=True, health_check_interval=30)
        self._ttl, self._max_voters, self._prefix = int(ttl), max_voters, prefix
        self._scripts = {name: self._redis.register_script(body) for name, body in (
            ("create", _CREATE), ("publish", _PUBLISH), ("vote", _VOTE), ("snapshot", _SNAPSHOT),
            ("reveal", _REVEAL), ("reset", _RESET), ("close", _CLOSE))}

    def _room_prefix(self, code: str) -> str:
        return f"{self._prefix}:{{{code}}}"

    def _run(self, script: str, keys: list[str], args: list):
        try:
            return self._scripts[script](keys=keys, args=args)
        except self._errors as err:
            raise StoreUnavailable(str(err)) from err

    def _teacher_call(self, script: str, code: str, key: str) -> bool:
        p = self._room_prefix(code)
        return self._run(script, [p], [key_hash(key), p]) == "ok"

    def ping(self) -> None:
        try:
            self._redis.ping()
        except self._errors as err:
            raise StoreUnavailable(str(err)) from err

    def create_room(self) -> tuple[str, str]:
        key = new_key()
        while True:
            code = new_code()
            if self._run("create", [self._room_prefix(code)], [key_hash(key), self._ttl]):
                return code, key

    def is_teacher(self, code: str, key: str) -> bool:
        try:
            stored = self._redis.hget(self._room_prefix(code), "teacher")
        except self._errors as err:
            raise StoreUnavailable(str(err)) from err
        return stored is not None and hmac.compare_digest(stored, key_hash(key))

    def publish(self, code: str, key: str, *, page: str, page_query: str, question: str, n_options: int) -> bool:
        p = self._room_prefix(code)
        return self._run("publish", [p, f"{p}:q:{question}", f"{p}:qs"],
                         [key_hash(key), page, _page_query(page_query), question, n_options if question else 0]) == "ok"

    def room(self, code: str, *, session: str | None = None) -> Room | None:
        p = self._room_prefix(code)
        found = self._run("snapshot", [p], [p, session or ""])
        if not found:
            return None
        (page, page_query, question, n), q, mine = found
        fields = dict(zip(q[::2], q[1::2]))
        counts = tuple(int(fields.get(f"c{i}", 0)) for i in range(int(n or 0)))
        return Room(code, page or "", page_query or "", question or "", counts, fields.get("revealed") == "1",
                    int(fields.get("round", 0)), int(mine) if mine else None)

    def vote(self, code: str, session: str, question: str, option: int) -> str:
        p = self._room_prefix(code)
        return self._run("vote", [p, f"{p}:q:{question}", f"{p}:v:{question}"],
                         [question, session, int(option), self._max_voters])

    def reveal(self, code: str, key: str) -> bool:
        return self._teacher_call("reveal", code, key)

    def reset(self, code: str, key: str) -> bool:
        return self._teacher_call("reset", code, key)

    def close(self, code: str, key: str) -> bool:
        return self._teacher_call("close", code, key)


def store_from_env(env) -> MemoryStore | RedisStore:
    """``RedisStore`` when ``REDIS_URL`` is set (several replicas share it), else the in-process store."""
    url = env.get("REDIS_URL", "").strip()
    return RedisStore(url) if url else MemoryStore()
