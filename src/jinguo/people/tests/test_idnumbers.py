"""Citizen ID numbers: normalising, parsing, upgrading, consistency and synthetic numbers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from jinguo.core.errors import ApplicationError
from jinguo.people import idnumbers
from jinguo.people.idnumbers import IdNumber, check_consistency, checksum, generate, parse

# No deadline: timings vary under xdist and on slow machines.
SETTINGS = settings(deadline=None, max_examples=300)
TODAY = date(2025, 12, 31)

AREA_CODES = [
    "152326",  # Naiman Banner under Jirem League, retired 1999: most adults of the banner
    "152301",  # Tongliao city under Jirem League, retired 1999
    "150525",  # Naiman Banner today
    "150502",
    "110105",
    "440524",
    "650102",
    "710000",  # Taiwan (GB/T 2260)
    "810000",  # residence permits of Hong Kong residents
    "820000",  # Macao
    "830000",  # Taiwan residents' residence permits
]

area_codes = st.sampled_from(AREA_CODES)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))
sexes = st.sampled_from(["F", "M"])
sequences = st.integers(min_value=0, max_value=499)


@st.composite
def valid_numbers(draw: st.DrawFn) -> str:
    return generate(draw(area_codes), draw(birth_dates), draw(sexes), draw(sequences))


def error_of(raw: str, today: date | None = TODAY) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        parse(raw, today=today)
    assert caught.value.field == "id_number"
    return caught.value


# --- the check character ------------------------------------------------------------------


def test_the_examples_of_the_standard() -> None:
    woman = parse("11010519491231002X", today=TODAY)
    assert woman == IdNumber(
        number="11010519491231002X",
        birth_date=date(1949, 12, 31),
        sex="F",
        area_code="110105",
        upgraded_from=None,
    )
    man = parse("440524188001010014", today=TODAY)
    assert (man.birth_date, man.sex, man.area_code) == (date(1880, 1, 1), "M", "440524")


@SETTINGS
@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_checksum_agrees_with_stdnum(first17: str) -> None:
    # stdnum's calc_check_digit takes the whole number and ignores its last character.
    assert checksum(first17) == ric.calc_check_digit(first17 + "?")


@pytest.mark.parametrize("bad", ["", "1234567890123456", "123456789012345678", "1234567890123456X"])
def test_checksum_needs_17_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="17"):
        checksum(bad)


# --- valid numbers --------------------------------------------------------------------------


@SETTINGS
@given(area_codes, birth_dates, sexes, sequences)
@example("152326", date(1960, 3, 8), "F", 0)
@example("150525", date(2025, 12, 31), "M", 499)
def test_generated_numbers_parse_back(area: str, born: date, sex: str, sequence: int) -> None:
    number = generate(area, born, sex, sequence)

    idn = parse(number, today=TODAY)

    assert idn.number == number
    assert (idn.area_code, idn.birth_date, idn.sex) == (area, born, sex)
    assert idn.upgraded_from is None
    assert int(number[14:17]) == 2 * sequence + (sex == "M")
    # stdnum for the format and the check character only (see test_retired_area_codes…).
    assert ric.compact(number) == number
    assert number[17] == ric.calc_check_digit(number)
    assert ric.get_birth_date(number) == born


def test_retired_area_codes_are_accepted_where_stdnum_refuses_them() -> None:
    """stdnum checks the area code against the birth year; the code is not a residence."""
    born_1980_new_code = generate("150525", date(1980, 3, 8), "F", 61)
    born_2005_old_code = generate("152326", date(2005, 3, 8), "F", 61)

    for number in (born_1980_new_code, born_2005_old_code):
        assert not ric.is_valid(number)
        assert parse(number, today=TODAY).number == number


def test_the_province_list_accepts_residence_permits_and_refuses_other_prefixes() -> None:
    for prefix in ("71", "81", "82", "83", "15", "65"):
        parse(generate(prefix + "0000", date(1990, 1, 1), "F", 1), today=TODAY)
    for prefix in ("00", "10", "16", "20", "47", "72", "84"):
        error = error_of(generate(prefix + "0101", date(1990, 1, 1), "F", 1))
        assert error.code == "id_invalid_area"
        assert error.params == {"province": prefix}


@pytest.mark.parametrize("prefix", ["90", "91", "95", "99"])
def test_foreigners_permanent_residence_numbers_are_not_citizen_numbers(prefix: str) -> None:
    error = error_of(generate(prefix + "1840", date(1990, 1, 1), "F", 1))
    assert error.code == "id_invalid_area"
    assert "foreigners" in error.render("en")


def test_str_masks_the_birth_date_and_repr_leaves_out_the_number() -> None:
    idn = parse("11010519491231002X", today=TODAY)

    assert idn.masked == str(idn) == "110105********002X"
    assert "11010519491231002X" not in repr(idn)


# --- normalising ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002x",
        " 110105 19491231 002X ",
        "110105\u300019491231\u3000002X",
        "110105\u00a019491231\u00a0002X\t\n",
        "\ufeff110105\u200b19491231002X",
        "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２ｘ",
        "'11010519491231002X",
        "\u201911010519491231002x",
        "＇１１０１０５１９４９１２３１００２X",
    ],
)
def test_normalise(raw: str) -> None:
    assert idnumbers.normalise(raw) == "11010519491231002X"
    assert parse(raw, today=TODAY).number == "11010519491231002X"


def test_normalise_does_not_validate() -> None:
    assert idnumbers.normalise("abc-１２") == "ABC-12"
    assert idnumbers.normalise("''1") == "'1"


@SETTINGS
@given(valid_numbers(), st.data())
def test_any_mix_of_full_width_lower_case_and_spaces_parses(
    number: str, data: st.DataObject
) -> None:
    typed = "".join(
        data.draw(st.sampled_from([ch, chr(ord(ch) + 0xFEE0), ch.lower(), f" {ch}", f"{ch}\u3000"]))
        for ch in number
    )
    assert parse(typed, today=TODAY).number == number


# --- typing mistakes ------------------------------------------------------------------------


def codes_for_a_mistake_at(position: int, typo: str) -> set[str]:
    """A mistake in the province or the birth date may be caught before the check character."""
    if "X" in typo[:17]:  # an X swapped away from the end
        return {"id_invalid_format"}
    codes = {"id_invalid_checksum"}
    if position < 2:
        codes.add("id_invalid_area")
    if 6 <= position < 14:
        codes.add("id_invalid_birth_date")
    if typo.endswith("000"):  # a wrong check character after 000 reads as spreadsheet damage
        codes = (codes - {"id_invalid_checksum"}) | {"id_mangled_by_excel"}
    return codes


@SETTINGS
@given(valid_numbers(), st.integers(min_value=0, max_value=17), st.integers(1, 10))
def test_a_changed_character_is_detected(number: str, position: int, shift: int) -> None:
    alphabet = "0123456789X" if position == 17 else "0123456789"
    current = alphabet.index(number[position])
    changed = alphabet[(current + shift) % len(alphabet)]
    if changed == number[position]:
        return
    typo = number[:position] + changed + number[position + 1 :]

    error = error_of(typo)

    assert error.code in codes_for_a_mistake_at(position, typo)


@SETTINGS
@given(valid_numbers(), st.integers(min_value=0, max_value=16))
def test_swapped_neighbours_are_detected(number: str, position: int) -> None:
    a, b = number[position], number[position + 1]
    if a == b:
        return
    swapped = number[:position] + b + a + number[position + 2 :]

    error = error_of(swapped)

    assert error.code in codes_for_a_mistake_at(position, swapped) | codes_for_a_mistake_at(
        position + 1, swapped
    )


def test_the_checksum_message_names_the_position_and_not_the_answer() -> None:
    error = error_of("110105194912310021")

    assert error.code == "id_invalid_checksum"
    assert error.params == {}
    assert "18th" in error.render("en")


# --- format ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "params"),
    [
        ("1101051949123100", {"length": 16}),
        ("1101051949123100211", {"length": 19}),
        ("11010519491231", {"length": 14}),
    ],
)
def test_wrong_length(raw: str, params: dict[str, int]) -> None:
    error = error_of(raw)
    assert (error.code, error.params) == ("id_invalid_format", params)
    assert str(params["length"]) in error.render("en")


def test_empty() -> None:
    assert error_of("  \u3000").code == "id_invalid_format"


@pytest.mark.parametrize(
    ("raw", "position", "character"),
    [
        ("1101051949123100X2", 17, "X"),
        ("X10105194912310021", 1, "X"),
        ("11010519491231002Y", 18, "Y"),
        ("110105-19491231002", 7, "-"),
        ("11010519491231002\u0663", 18, "\u0663"),  # an Arabic-Indic digit is not a digit here
        ("15232680030812X", 15, "X"),
        ("1523268003O8123", 11, "O"),
    ],
)
def test_wrong_characters(raw: str, position: int, character: str) -> None:
    error = error_of(raw)
    assert error.code == "id_invalid_format"
    assert error.params == {"position": position, "character": character}


# --- spreadsheets ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "1.50525E+17",
        "1.50525198003081E+17",
        "1.52326e+17",
        "１.５２３２６Ｅ+１７",
        "1.52327E+14",
        "152326800308123.0",
        "1.5232619800308122e+17",
    ],
)
def test_scientific_notation_is_explained(raw: str) -> None:
    error = error_of(raw)
    assert error.code == "id_mangled_by_excel"
    assert "text" in error.render("en")


def test_digits_lost_by_a_spreadsheet_are_explained() -> None:
    kept = generate("152326", date(1980, 3, 8), "F", 61)[:15]
    truncated = kept + "000"
    assert checksum(truncated[:17]) != "0"

    assert error_of(truncated).code == "id_mangled_by_excel"


# --- birth dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("152326198002300000", "19800230"),
        ("152326198013010000", "19801301"),
        ("152326198000100000", "19800010"),
        ("152326000001010000", "00000101"),
        ("152326800230123", "800230"),
        ("152326801301123", "801301"),
    ],
)
def test_impossible_birth_dates(raw: str, digits: str) -> None:
    error = error_of(raw)
    assert error.code == "id_invalid_birth_date"
    assert error.params == {"first": 7, "last": 6 + len(digits), "digits": digits}


def test_birth_dates_before_1880_or_in_the_future() -> None:
    too_early = generate("152326", date(1879, 12, 31), "F", 1)
    assert error_of(too_early).code == "id_invalid_birth_date"
    assert error_of(too_early).params == {"date": "1879-12-31"}
    parse(generate("152326", date(1880, 1, 1), "F", 1), today=TODAY)

    tomorrow = generate("150525", date(2026, 1, 1), "M", 1)
    assert error_of(tomorrow, today=TODAY).code == "id_invalid_birth_date"
    assert error_of(tomorrow, today=TODAY).params == {"date": "2026-01-01"}
    assert parse(tomorrow, today=date(2026, 1, 1)).birth_date == date(2026, 1, 1)


def test_today_defaults_to_the_local_date() -> None:
    far_future = generate("150525", date(2999, 1, 1), "F", 1)
    assert error_of(far_future, today=None).code == "id_invalid_birth_date"
    parse(generate("150525", date(2020, 2, 29), "F", 1))


# --- 15-digit numbers -----------------------------------------------------------------------


def test_a_legacy_number_is_upgraded() -> None:
    # 1523261980030812 3 with weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2:
    # 7+45+20+15+16+24+2+9+48+0+0+27+0+40+8+8+6 = 275 = 25 × 11 + 0 → check character "1".
    idn = parse("152326800308123", today=TODAY)

    assert idn == IdNumber(
        number="152326198003081231",
        birth_date=date(1980, 3, 8),
        sex="M",
        area_code="152326",
        upgraded_from="152326800308123",
    )
    assert idnumbers.upgrade("152326800308123") == "152326198003081231"
    assert ric.is_valid("152326198003081231")


@SETTINGS
@given(area_codes, st.dates(date(1900, 1, 1), date(1999, 12, 31)), sexes, sequences)
def test_legacy_numbers_upgrade_to_the_number_generated_for_the_same_person(
    area: str, born: date, sex: str, sequence: int
) -> None:
    number = generate(area, born, sex, sequence)
    legacy = number[:6] + number[8:17]

    idn = parse(legacy, today=TODAY)

    assert (idn.number, idn.upgraded_from) == (number, legacy)
    assert (idn.birth_date, idn.sex) == (born, sex)


@pytest.mark.parametrize("bad", ["15232680030812", "1523268003081234", "15232680030812X"])
def test_upgrade_needs_15_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="15"):
        idnumbers.upgrade(bad)


# --- consistency with typed values ----------------------------------------------------------


def test_consistent_values_pass() -> None:
    idn = parse("11010519491231002X", today=TODAY)
    check_consistency(idn, birth_date=date(1949, 12, 31), sex="F")
    check_consistency(idn, birth_date=None, sex=None)
    check_consistency(idn, birth_date=None, sex="")


def test_a_conflicting_birth_date() -> None:
    idn = parse("11010519491231002X", today=TODAY)

    with pytest.raises(ApplicationError) as caught:
        check_consistency(idn, birth_date=date(1949, 12, 13), sex="M")

    error = caught.value
    assert (error.code, error.field) == ("id_birth_date_conflict", "birth_date")
    assert error.params == {"entered": "1949-12-13", "in_id": "1949-12-31"}


def test_a_conflicting_sex_renders_in_both_languages() -> None:
    idn = parse("11010519491231002X", today=TODAY)

    with pytest.raises(ApplicationError) as caught:
        check_consistency(idn, birth_date=date(1949, 12, 31), sex="M")

    error = caught.value
    assert (error.code, error.field) == ("id_sex_conflict", "sex")
    assert error.render("en") == (
        "The sex entered, male, differs from the one in the ID number, female."
    )


def test_an_unknown_sex_value_is_a_programming_error() -> None:
    idn = parse("11010519491231002X", today=TODAY)
    with pytest.raises(ValueError, match="sex"):
        check_consistency(idn, birth_date=None, sex="female")


# --- synthetic numbers ----------------------------------------------------------------------


def test_generate_picks_the_order_code_by_sex() -> None:
    assert generate("150525", date(1990, 5, 1), "F", 0)[14:17] == "000"
    assert generate("150525", date(1990, 5, 1), "M", 0)[14:17] == "001"
    assert generate("150525", date(1990, 5, 1), "F", 499)[14:17] == "998"
    assert generate("150525", date(1990, 5, 1), "M", 499)[14:17] == "999"


@pytest.mark.parametrize(
    ("area", "sex", "sequence"),
    [("15052", "F", 0), ("15052X", "F", 0), ("150525", "W", 0), ("150525", "F", 500)],
)
def test_generate_refuses_bad_arguments(area: str, sex: str, sequence: int) -> None:
    with pytest.raises(ValueError, match=r"area_code|sex|sequence"):
        generate(area, date(1990, 5, 1), sex, sequence)


def test_is_valid() -> None:
    assert idnumbers.is_valid("11010519491231002x", today=TODAY)
    assert not idnumbers.is_valid("110105194912310021", today=TODAY)
