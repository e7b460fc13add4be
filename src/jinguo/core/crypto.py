"""Field-level encryption and blind indexes for sensitive personal information (PIPL).

Keys
    ``settings.DATA_KEY`` (env ``JINGUO_DATA_KEY``) is the key ring. It is either one base64 key
    of 32 bytes, which gets the key id ``k1``, or ``kid:base64key,kid:base64key,…``. The first
    entry is the current key, used for every new encryption; the others only decrypt. A key id
    is 1-32 letters, digits, ``-`` or ``_``.

    Each secret is never used directly: HKDF-SHA256 derives the AES-256-GCM key
    (``info=b"jinguo-aes-gcm"``), the blind-index key (``b"jinguo-blind-index"``) and a short
    public fingerprint (``b"jinguo-key-fingerprint"``) from it, so one secret per key id is
    enough and no derived key reveals another.

Tokens
    `encrypt` returns ``v1:<kid>:<base64url(nonce ‖ ciphertext ‖ tag)>``: a fresh random 96-bit
    nonce per value, and ``v1:<kid>:<context>`` as associated data. The context names the column
    (``people.person.id_number``), so a token copied into another column does not decrypt.

Blind indexes
    `blind_index` is HMAC-SHA256 (hex) of ``context NUL value`` under the blind-index key. It
    must not change when the encryption key rotates, or every lookup would break, so the index
    key has its own source: ``settings.INDEX_KEY`` (env ``JINGUO_INDEX_KEY``, one base64 key) if
    set, else the ring's only key. A ring of several keys without ``JINGUO_INDEX_KEY`` is
    refused: the first rotation copies the original key into ``JINGUO_INDEX_KEY`` (the derived
    index key is then exactly the one in use), after which data keys can come and go freely.
    Changing the index key itself needs ``jinguo keys reindex`` (docs/operations.md).

Registries
    Apps declare, in ``AppConfig.ready()``, which columns hold tokens
    (`register_encrypted_field`) and which columns hold blind indexes (`register_blind_index`);
    ``jinguo keys status|rotate|reindex`` work through these lists. `EncryptedTextField`'s
    system check (core.E001) reports an encrypted column that was not registered.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models import Count, ExpressionWrapper, F, Field, Model, Q, TextField

if TYPE_CHECKING:
    from jinguo.core.fields import EncryptedTextField

VERSION = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
DEFAULT_KEY_ID = "k1"
AES_INFO = b"jinguo-aes-gcm"
INDEX_INFO = b"jinguo-blind-index"
FINGERPRINT_INFO = b"jinguo-key-fingerprint"

KEY_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
TOKEN_RE = re.compile(r"v1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]+)")
# The smallest token body: nonce and tag of an empty plaintext, base64url without padding.
_MIN_BODY_CHARS = 38

DATA_ENV = "JINGUO_DATA_KEY"
INDEX_ENV = "JINGUO_INDEX_KEY"


class KeyConfigurationError(ImproperlyConfigured):
    """JINGUO_DATA_KEY or JINGUO_INDEX_KEY is missing or malformed. Never quotes key material."""


class DecryptionError(Exception):
    """A token could not be decrypted. The message names the column and key id, never data."""


# --- keys -----------------------------------------------------------------------------------------


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(secret)


def _fingerprint(secret: bytes) -> str:
    return _derive(secret, FINGERPRINT_INFO)[:4].hex()


def _decode_key(text: str, where: str) -> bytes:
    # Accept standard and URL-safe alphabets, with or without padding.
    text = text.strip().replace("-", "+").replace("_", "/")
    try:
        secret = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        raise KeyConfigurationError(
            f"{where} is not valid base64; generate a key with `jinguo keys generate`."
        ) from None
    if len(secret) != KEY_BYTES:
        raise KeyConfigurationError(
            f"{where} decodes to {len(secret)} bytes; it must be exactly {KEY_BYTES} "
            "(generate one with `jinguo keys generate`)."
        )
    return secret


def _parse_entries(data_key: str) -> list[tuple[str, bytes]]:
    text = data_key.strip()
    if not text:
        raise KeyConfigurationError(f"{DATA_ENV} is not set (see docs/operations.md, Keys).")
    if ":" not in text and "," not in text:
        return [(DEFAULT_KEY_ID, _decode_key(text, DATA_ENV))]
    entries: list[tuple[str, bytes]] = []
    for position, item in enumerate(text.split(","), start=1):
        kid, separator, encoded = item.strip().partition(":")
        kid = kid.strip()
        if not separator:
            raise KeyConfigurationError(
                f"{DATA_ENV}: entry {position} must be written `kid:base64key` "
                "when the ring holds several keys."
            )
        if not KEY_ID_RE.fullmatch(kid):
            raise KeyConfigurationError(
                f"{DATA_ENV}: entry {position} has key id {kid!r}; a key id is 1-32 letters, "
                "digits, '-' or '_'."
            )
        if any(kid == seen for seen, _secret in entries):
            raise KeyConfigurationError(f"{DATA_ENV}: key id {kid!r} appears twice.")
        entries.append((kid, _decode_key(encoded, f"{DATA_ENV}: key {kid!r}")))
    return entries


class KeyRing:
    """The parsed key ring. Its repr shows key ids and fingerprints, never keys."""

    def __init__(self, entries: list[tuple[str, bytes]], index_secret: bytes, index_source: str):
        self.key_ids: tuple[str, ...] = tuple(kid for kid, _secret in entries)
        self.current: str = self.key_ids[0]
        self.fingerprints: Mapping[str, str] = {
            kid: _fingerprint(secret) for kid, secret in entries
        }
        self.index_source = index_source
        self.index_fingerprint = _fingerprint(index_secret)
        self._ciphers = {kid: AESGCM(_derive(secret, AES_INFO)) for kid, secret in entries}
        self._index_key = _derive(index_secret, INDEX_INFO)

    def cipher(self, kid: str) -> AESGCM | None:
        return self._ciphers.get(kid)

    def current_cipher(self) -> AESGCM:
        return self._ciphers[self.current]

    def index_key(self) -> bytes:
        return self._index_key

    def __repr__(self) -> str:
        return f"KeyRing(current={self.current!r}, key_ids={self.key_ids!r})"


def parse_key_ring(data_key: str, index_key: str = "") -> KeyRing:
    """Parse the values of JINGUO_DATA_KEY and JINGUO_INDEX_KEY; raise KeyConfigurationError."""
    entries = _parse_entries(data_key)
    if index_key.strip():
        return KeyRing(entries, _decode_key(index_key, INDEX_ENV), INDEX_ENV)
    if len(entries) > 1:
        raise KeyConfigurationError(
            f"{DATA_ENV} holds several keys, so {INDEX_ENV} must be set: give it the key that "
            f"{DATA_ENV} held before the first rotation, which the blind indexes were built "
            "with (docs/operations.md, Keys)."
        )
    kid, secret = entries[0]
    return KeyRing(entries, secret, f"{DATA_ENV} ({kid})")


_cached_ring: KeyRing | None = None


def key_ring() -> KeyRing:
    """The ring from settings, parsed on first use and cached until DATA_KEY/INDEX_KEY change."""
    global _cached_ring
    ring = _cached_ring
    if ring is None:
        ring = parse_key_ring(settings.DATA_KEY, getattr(settings, "INDEX_KEY", ""))
        _cached_ring = ring
    return ring


def _reset_key_ring(*, setting: str, **kwargs: Any) -> None:
    global _cached_ring
    if setting in {"DATA_KEY", "INDEX_KEY"}:
        _cached_ring = None


setting_changed.connect(_reset_key_ring, dispatch_uid="jinguo.core.crypto.reset_key_ring")


def generate_key() -> str:
    """A new random key, base64 of 32 bytes, as JINGUO_DATA_KEY and JINGUO_INDEX_KEY take it."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


# --- encryption -----------------------------------------------------------------------------------


def _check_context(context: str) -> bytes:
    if not context or "\x00" in context:
        raise ValueError("context must be a non-empty string without NUL characters")
    return context.encode("utf-8")


def _associated_data(kid: str, context: str) -> bytes:
    return f"{VERSION}:{kid}:".encode("ascii") + _check_context(context)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def is_token(value: str) -> bool:
    """Whether `value` has the shape of a token (it may still fail to decrypt)."""
    match = TOKEN_RE.fullmatch(value)
    return match is not None and len(match.group(2)) >= _MIN_BODY_CHARS


def _split_token(token: str) -> tuple[str, str]:
    match = TOKEN_RE.fullmatch(token) if isinstance(token, str) else None
    if match is None:
        raise DecryptionError("not an encrypted value (expected v1:<kid>:<data>)")
    return match.group(1), match.group(2)


def token_key_id(token: str) -> str:
    """The key id a token was encrypted with; DecryptionError if it is not a token."""
    return _split_token(token)[0]


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt with the current key; a new random nonce every call, so equal inputs differ."""
    if not isinstance(plaintext, str):
        raise TypeError("only text can be encrypted")
    ring = key_ring()
    aad = _associated_data(ring.current, context)
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.current_cipher().encrypt(nonce, plaintext.encode("utf-8"), aad)
    return f"{VERSION}:{ring.current}:{_b64url(nonce + sealed)}"


def decrypt(token: str, *, context: str) -> str:
    """The plaintext of `token`; DecryptionError if altered, of another column, or key unknown."""
    _check_context(context)
    kid, body = _split_token(token)
    cipher = key_ring().cipher(kid)
    if cipher is None:
        raise DecryptionError(
            f"{context}: encrypted with key id {kid!r}, which is not in {DATA_ENV}"
        )
    try:
        blob = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError(f"{context}: the encrypted value is damaged") from None
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError(f"{context}: the encrypted value is damaged")
    aad = _associated_data(kid, context)
    try:
        plaintext = cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except InvalidTag:
        raise DecryptionError(
            f"{context}: the value does not authenticate (altered, copied from another "
            f"column, or {kid!r} is not the key it was encrypted with)"
        ) from None
    return plaintext.decode("utf-8")


def needs_rotation(token: str) -> bool:
    """Whether `token` was encrypted with a key other than the current one."""
    return token_key_id(token) != key_ring().current


def current_key_id() -> str:
    return key_ring().current


def blind_index(value: str, *, context: str) -> str:
    """HMAC-SHA256 (64 hex characters) of an already normalised value, separated by context.

    Equal inputs give equal outputs: store it in an indexed column and filter on it. The caller
    normalises (e.g. upper-case check digit, digits only) before calling.
    """
    message = _check_context(context) + b"\x00" + value.encode("utf-8")
    return hmac.new(key_ring().index_key(), message, hashlib.sha256).hexdigest()


# --- registries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlindIndex:
    """A column holding `blind_index(normalise(source))`, kept in step by the app's services."""

    model: type[Model]
    source_field: str
    index_field: str
    normalise: Callable[[str], str] = field(compare=False)
    context: str
    # What an empty source stores: None if the index column is nullable (so that a unique
    # index admits many empty values), else "".
    empty: str | None = None

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.index_field}"

    def compute(self, value: str | None) -> str | None:
        """The index of a plaintext source value; `empty` for a missing or empty value."""
        if value is None or value == "":
            return self.empty
        return blind_index(self.normalise(value), context=self.context)


_encrypted_fields: list[tuple[type[Model], str]] = []
_blind_indexes: list[BlindIndex] = []


def _encrypted_field(model: type[Model], field_name: str) -> EncryptedTextField:
    from jinguo.core.fields import EncryptedTextField

    model_field = model._meta.get_field(field_name)
    if not isinstance(model_field, EncryptedTextField):
        raise TypeError(f"{model._meta.label}.{field_name} is not an EncryptedTextField")
    return model_field


def _concrete_field(model: type[Model], field_name: str) -> Field[Any, Any]:
    model_field = model._meta.get_field(field_name)
    if not isinstance(model_field, Field) or not model_field.concrete:
        raise TypeError(f"{model._meta.label}.{field_name} is not a column of the table")
    return model_field


def register_encrypted_field(model: type[Model], field_name: str) -> None:
    """Declare a column of tokens for `jinguo keys status|rotate`. Call in AppConfig.ready()."""
    _encrypted_field(model, field_name)
    if (model, field_name) not in _encrypted_fields:
        _encrypted_fields.append((model, field_name))


def is_registered(model: type[Model], field_name: str) -> bool:
    return (model, field_name) in _encrypted_fields


def encrypted_fields() -> list[tuple[type[Model], str]]:
    return list(_encrypted_fields)


def register_blind_index(
    model: type[Model],
    *,
    source_field: str,
    index_field: str,
    normalise: Callable[[str], str],
) -> BlindIndex:
    """Declare a blind-index column for `jinguo keys reindex`. Call in AppConfig.ready().

    The index context is the source column's encryption context. Keep the returned object and
    compute stored values with `BlindIndex.compute`, so that writes and reindexing agree.
    """
    source = _encrypted_field(model, source_field)
    target = _concrete_field(model, index_field)
    for existing in _blind_indexes:
        if (existing.model, existing.index_field) == (model, index_field):
            return existing
    empty = None if target.null else ""
    index = BlindIndex(
        model, source_field, index_field, normalise, source.encryption_context, empty
    )
    _blind_indexes.append(index)
    return index


def blind_indexes() -> list[BlindIndex]:
    return list(_blind_indexes)


# --- maintenance: counting, rotating, reindexing --------------------------------------------------


_RAW_ALIAS = "jinguo_raw"


def _stored_tokens(model: type[Model], field_name: str) -> Any:
    """The model's rows annotated with the column's raw text (tokens, not decrypted values)."""
    raw = ExpressionWrapper(F(field_name), output_field=TextField())
    return model._base_manager.annotate(**{_RAW_ALIAS: raw})


def _token_prefix(kid: str) -> str:
    return f"{VERSION}:{kid}:"


@dataclass(frozen=True)
class KeyCounts:
    """How many stored values each key id encrypted; `other` is unknown ids or non-tokens."""

    by_key: dict[str, int]
    empty: int
    other: int

    def needing_rotation(self, current: str) -> int:
        return sum(n for kid, n in self.by_key.items() if kid != current) + self.other


def key_counts(model: type[Model], field_name: str) -> KeyCounts:
    """Count stored values per key id of the ring, in one query."""
    _encrypted_field(model, field_name)
    ring = key_ring()
    alias = _RAW_ALIAS
    aggregates = {
        f"key_{position}": Count("pk", filter=Q(**{f"{alias}__startswith": _token_prefix(kid)}))
        for position, kid in enumerate(ring.key_ids)
    }
    row = _stored_tokens(model, field_name).aggregate(
        total=Count("pk"),
        empty=Count("pk", filter=Q(**{f"{alias}__isnull": True}) | Q(**{alias: ""})),
        **aggregates,
    )
    by_key = {kid: int(row[f"key_{position}"]) for position, kid in enumerate(ring.key_ids)}
    other = int(row["total"]) - int(row["empty"]) - sum(by_key.values())
    return KeyCounts(by_key=by_key, empty=int(row["empty"]), other=other)


@dataclass
class BatchReport:
    """What a maintenance pass did. `unreadable` holds up to 20 primary keys, as text."""

    label: str
    changed: int = 0
    unreadable_count: int = 0
    unreadable: list[str] = field(default_factory=list)

    def note_unreadable(self, pk: Any) -> None:
        self.unreadable_count += 1
        if len(self.unreadable) < 20:
            self.unreadable.append(str(pk))


def _batches(rows: Any, batch_size: int) -> Iterator[list[tuple[Any, ...]]]:
    """Keyset pagination by primary key, one transaction per batch, rows locked while in it."""
    after: Any = None
    while True:
        with transaction.atomic(using=rows.db):
            page = rows if after is None else rows.filter(pk__gt=after)
            batch = list(page.order_by("pk").select_for_update()[:batch_size])
            if not batch:
                return
            yield batch
        after = batch[-1][0]


def rotate_field(model: type[Model], field_name: str, *, batch_size: int = 500) -> BatchReport:
    """Re-encrypt with the current key every value of the column encrypted with another one.

    Idempotent and safe to interrupt: each batch commits on its own, and values already under
    the current key are not selected again. Values that cannot be decrypted (key id missing
    from the ring, damaged) are left alone and reported.
    """
    model_field = _encrypted_field(model, field_name)
    current = key_ring().current
    alias = _RAW_ALIAS
    stale = Q(**{f"{alias}__startswith": f"{VERSION}:"}) & ~Q(
        **{f"{alias}__startswith": _token_prefix(current)}
    )
    rows = _stored_tokens(model, field_name).filter(stale).values_list("pk", alias)
    report = BatchReport(label=f"{model._meta.label_lower}.{field_name}")
    for batch in _batches(rows, batch_size):
        updated = []
        for pk, token in batch:
            try:
                plaintext = decrypt(token, context=model_field.encryption_context)
            except DecryptionError:
                report.note_unreadable(pk)
                continue
            updated.append(model(pk=pk, **{model_field.attname: plaintext}))
        if updated:
            # The field encrypts on the way in, with the current key.
            model._base_manager.bulk_update(updated, [field_name])
        report.changed += len(updated)
    return report


def reindex_blind_index(index: BlindIndex, *, batch_size: int = 500) -> BatchReport:
    """Recompute every stored blind index of `index` with the current index key.

    Idempotent and safe to interrupt; rows whose index is already right are not written.
    """
    model = index.model
    source = _encrypted_field(model, index.source_field)
    index_attname = _concrete_field(model, index.index_field).attname
    rows = _stored_tokens(model, index.source_field).values_list(
        "pk", _RAW_ALIAS, index.index_field
    )
    report = BatchReport(label=index.label)
    for batch in _batches(rows, batch_size):
        updated = []
        for pk, token, stored in batch:
            plaintext: str | None = token
            if token:
                try:
                    plaintext = decrypt(token, context=source.encryption_context)
                except DecryptionError:
                    report.note_unreadable(pk)
                    continue
            fresh = index.compute(plaintext)
            if fresh != stored:
                updated.append(model(pk=pk, **{index_attname: fresh}))
        if updated:
            model._base_manager.bulk_update(updated, [index.index_field])
        report.changed += len(updated)
    return report
