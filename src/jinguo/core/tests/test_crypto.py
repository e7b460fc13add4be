"""Encryption, key rings and blind indexes (jinguo.core.crypto)."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from jinguo.core import crypto
from jinguo.core.crypto import (
    DecryptionError,
    KeyConfigurationError,
    blind_index,
    decrypt,
    encrypt,
    needs_rotation,
    parse_key_ring,
)

KEY_A = base64.b64encode(bytes(range(32))).decode()
KEY_B = base64.b64encode(bytes(range(32, 64))).decode()
KEY_C = base64.b64encode(bytes(range(64, 96))).decode()
ID_CONTEXT = "people.person.id_number"
ID_NUMBER = "150525198003081234"
# Made with KEY_A by the first version of this module. If this stops decrypting, every value
# already stored would too: the construction must never change under the same version tag.
KNOWN_TOKEN = "v1:k1:TuLj17N0W9225nAloq3aaKPFq0TreJt0sNonHrIxO-dU2j2G73UQuEy-JoJxgA"
KNOWN_INDEX = "1658829b89cfefbf5557f1e3c9b7cd6c52a40e4233943823d85c49e1f3869093"


@pytest.fixture
def ring_a(settings):
    settings.DATA_KEY = KEY_A
    settings.INDEX_KEY = ""
    return settings


def rotate_to_b(settings) -> None:
    """The documented first rotation: index key pinned to A, B becomes current."""
    settings.INDEX_KEY = KEY_A
    settings.DATA_KEY = f"k2:{KEY_B},k1:{KEY_A}"


# --- encrypting and decrypting --------------------------------------------------------------------


@pytest.mark.parametrize("plaintext", [ID_NUMBER, "13812345678", "乌云其其格", ""])
def test_a_value_decrypts_to_what_was_encrypted(ring_a, plaintext) -> None:
    token = encrypt(plaintext, context=ID_CONTEXT)

    assert decrypt(token, context=ID_CONTEXT) == plaintext


def test_a_token_names_its_version_and_key_and_hides_the_value(ring_a) -> None:
    token = encrypt(ID_NUMBER, context=ID_CONTEXT)

    assert token.startswith("v1:k1:")
    assert ID_NUMBER not in token
    assert crypto.is_token(token)
    assert crypto.token_key_id(token) == "k1"


def test_encrypting_the_same_value_twice_gives_different_tokens(ring_a) -> None:
    tokens = {encrypt(ID_NUMBER, context=ID_CONTEXT) for _ in range(20)}

    assert len(tokens) == 20


def test_the_construction_is_hkdf_aes_gcm_with_the_context_as_associated_data(ring_a) -> None:
    # An independent implementation of the documented format decrypts the module's tokens.
    token = encrypt(ID_NUMBER, context=ID_CONTEXT)
    version, kid, body = token.split(":")
    blob = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    aes_key = HKDF(hashes.SHA256(), 32, salt=None, info=b"jinguo-aes-gcm").derive(
        base64.b64decode(KEY_A)
    )

    plaintext = AESGCM(aes_key).decrypt(blob[:12], blob[12:], f"v1:k1:{ID_CONTEXT}".encode())

    assert (version, kid, plaintext.decode()) == ("v1", "k1", ID_NUMBER)


def test_a_token_stored_by_the_first_version_still_decrypts(ring_a) -> None:
    assert decrypt(KNOWN_TOKEN, context=ID_CONTEXT) == ID_NUMBER
    assert blind_index(ID_NUMBER, context=ID_CONTEXT) == KNOWN_INDEX


def flip_one_byte(token: str, position: int) -> str:
    head, body = token.rsplit(":", 1)
    blob = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    blob[position] ^= 0x01
    return f"{head}:{base64.urlsafe_b64encode(bytes(blob)).rstrip(b'=').decode()}"


@pytest.mark.parametrize(
    "position", [0, 11, 12, -17, -1], ids=["nonce", "nonce-end", "data", "data-end", "tag"]
)
def test_a_changed_byte_anywhere_is_detected(ring_a, position) -> None:
    tampered = flip_one_byte(encrypt(ID_NUMBER, context=ID_CONTEXT), position)

    with pytest.raises(DecryptionError, match="does not authenticate") as caught:
        decrypt(tampered, context=ID_CONTEXT)
    assert ID_NUMBER not in str(caught.value)


def test_a_value_copied_into_another_column_does_not_decrypt(ring_a) -> None:
    token = encrypt(ID_NUMBER, context=ID_CONTEXT)

    with pytest.raises(DecryptionError, match=r"people\.person\.phone"):
        decrypt(token, context="people.person.phone")


@pytest.mark.parametrize(
    ("token", "complaint"),
    [
        ("150525198003081234", "not an encrypted value"),
        ("v2:k1:AAAA", "not an encrypted value"),
        ("v1:k1:", "not an encrypted value"),
        ("v1:k1:AAAA", "damaged"),
        ("v1:k9:" + "A" * 40, "key id 'k9', which is not in JINGUO_DATA_KEY"),
    ],
    ids=["plaintext", "other-version", "no-data", "too-short", "unknown-key"],
)
def test_what_is_not_a_good_token_is_refused_with_a_reason(ring_a, token, complaint) -> None:
    with pytest.raises(DecryptionError, match=complaint):
        decrypt(token, context=ID_CONTEXT)


def test_a_context_is_required(ring_a) -> None:
    with pytest.raises(ValueError, match="context"):
        encrypt(ID_NUMBER, context="")


# --- rotation -------------------------------------------------------------------------------------


def test_after_rotation_old_tokens_decrypt_and_new_ones_use_the_new_key(ring_a, settings) -> None:
    old = encrypt(ID_NUMBER, context=ID_CONTEXT)
    assert not needs_rotation(old)

    rotate_to_b(settings)
    new = encrypt(ID_NUMBER, context=ID_CONTEXT)

    assert decrypt(old, context=ID_CONTEXT) == ID_NUMBER
    assert new.startswith("v1:k2:")
    assert needs_rotation(old)
    assert not needs_rotation(new)
    assert crypto.current_key_id() == "k2"


def test_a_key_removed_from_the_ring_no_longer_decrypts(ring_a, settings) -> None:
    old = encrypt(ID_NUMBER, context=ID_CONTEXT)
    settings.INDEX_KEY = KEY_A
    settings.DATA_KEY = f"k2:{KEY_B}"

    with pytest.raises(DecryptionError, match="'k1'"):
        decrypt(old, context=ID_CONTEXT)


# --- blind indexes --------------------------------------------------------------------------------


def test_a_blind_index_is_stable_and_separated_by_context(ring_a) -> None:
    index = blind_index(ID_NUMBER, context=ID_CONTEXT)

    assert index == blind_index(ID_NUMBER, context=ID_CONTEXT)
    assert len(index) == 64
    assert int(index, 16) >= 0
    assert index != blind_index(ID_NUMBER, context="people.person.phone")
    assert index != blind_index("150525198003081235", context=ID_CONTEXT)


def test_a_blind_index_does_not_change_when_the_encryption_key_rotates(ring_a, settings) -> None:
    before = blind_index(ID_NUMBER, context=ID_CONTEXT)

    rotate_to_b(settings)
    after_rotation = blind_index(ID_NUMBER, context=ID_CONTEXT)
    settings.DATA_KEY = f"k2:{KEY_B}"  # the old data key retired
    after_retirement = blind_index(ID_NUMBER, context=ID_CONTEXT)

    assert before == after_rotation == after_retirement


def test_a_new_index_key_changes_every_blind_index(ring_a, settings) -> None:
    before = blind_index(ID_NUMBER, context=ID_CONTEXT)

    settings.INDEX_KEY = KEY_C

    assert blind_index(ID_NUMBER, context=ID_CONTEXT) != before


def test_the_index_key_is_derived_not_the_raw_secret(ring_a) -> None:
    with_raw_secret = hmac.new(
        base64.b64decode(KEY_A), f"{ID_CONTEXT}\x00{ID_NUMBER}".encode(), hashlib.sha256
    ).hexdigest()

    assert blind_index(ID_NUMBER, context=ID_CONTEXT) != with_raw_secret


# --- parsing the key ring -------------------------------------------------------------------------


def test_a_single_key_is_key_id_k1_and_its_own_index_key() -> None:
    ring = parse_key_ring(KEY_A)

    assert (ring.current, ring.key_ids) == ("k1", ("k1",))
    assert ring.index_source == "JINGUO_DATA_KEY (k1)"
    assert ring.index_fingerprint == ring.fingerprints["k1"]


def test_a_ring_lists_the_current_key_first() -> None:
    ring = parse_key_ring(f" k2:{KEY_B} , k1:{KEY_A} ", KEY_A)

    assert (ring.current, ring.key_ids) == ("k2", ("k2", "k1"))
    assert ring.index_source == "JINGUO_INDEX_KEY"
    assert ring.index_fingerprint == ring.fingerprints["k1"]


def test_url_safe_and_unpadded_keys_are_accepted() -> None:
    url_safe = base64.urlsafe_b64encode(bytes(range(200, 232))).decode().rstrip("=")

    assert parse_key_ring(url_safe).current == "k1"


def test_the_ring_shows_no_key_material() -> None:
    ring = parse_key_ring(f"k2:{KEY_B},k1:{KEY_A}", KEY_A)

    assert KEY_A not in repr(ring)
    assert KEY_B not in repr(ring)


@pytest.mark.parametrize(
    ("data_key", "index_key", "complaint"),
    [
        ("", "", "JINGUO_DATA_KEY is not set"),
        ("not base64!", "", "JINGUO_DATA_KEY is not valid base64"),
        (base64.b64encode(b"short").decode(), "", "decodes to 5 bytes; it must be exactly 32"),
        (f"k1:{KEY_A},k2", KEY_A, "entry 2 must be written `kid:base64key`"),
        (f"k 1:{KEY_A}", "", "entry 1 has key id 'k 1'"),
        (f"k1:{KEY_A},k1:{KEY_B}", KEY_A, "key id 'k1' appears twice"),
        (f"k2:{KEY_B},k1:c2hvcnQ=", KEY_A, "key 'k1' decodes to 5 bytes"),
        (f"k2:{KEY_B},k1:{KEY_A}", "", "JINGUO_INDEX_KEY must be set"),
        (KEY_A, "AAAA", "JINGUO_INDEX_KEY decodes to 3 bytes"),
    ],
    ids=[
        "missing",
        "not-base64",
        "too-short",
        "entry-without-id",
        "bad-key-id",
        "duplicate-id",
        "bad-key-in-ring",
        "ring-without-index-key",
        "bad-index-key",
    ],
)
def test_a_malformed_key_setting_is_refused_with_a_clear_message(
    data_key, index_key, complaint
) -> None:
    with pytest.raises(KeyConfigurationError, match=complaint) as caught:
        parse_key_ring(data_key, index_key)
    assert KEY_A not in str(caught.value)
    assert KEY_B not in str(caught.value)


def test_a_generated_key_is_accepted() -> None:
    assert parse_key_ring(crypto.generate_key()).current == "k1"


def test_changing_the_setting_reloads_the_ring(ring_a, settings) -> None:
    assert crypto.key_ring().fingerprints["k1"] == parse_key_ring(KEY_A).fingerprints["k1"]

    settings.DATA_KEY = KEY_B

    assert crypto.key_ring().fingerprints["k1"] == parse_key_ring(KEY_B).fingerprints["k1"]
