"""Reference data: every spelling of a member resolves to one code; unknowns get suggestions."""

from __future__ import annotations

import pytest

from octasee.errors import ReferenceDataError
from octasee.reference import (
    MEMBER_CODES,
    crime_area,
    crime_areas,
    cycle,
    members,
    resolve_country,
    resolve_crime_area,
    resolve_world_country,
)


def test_thirteen_members_with_iso_codes():
    assert len(members()) == 13
    assert set(MEMBER_CODES) == {"AL", "BA", "BG", "HR", "GR", "HU", "MD", "ME", "MK", "RO",
                                 "RS", "SI", "TR"}
    assert {c.iso3 for c in members()} >= {"ALB", "BIH", "MKD", "MDA", "TUR", "SRB", "MNE"}


@pytest.mark.parametrize(("name", "code"), [
    ("Türkiye", "TR"), ("turkiye", "TR"), ("TURKEY", "TR"), ("Republic of Moldova", "MD"),
    ("Moldova, Republic of", "MD"), ("The former Yugoslav Republic of Macedonia", "MK"),
    ("FYROM", "MK"), ("F.Y.R.O.M.", "MK"), ("Macedonia", "MK"), ("Macedonia, FYR", "MK"),
    ("North Macedonia", "MK"), ("Северна Македонија", "MK"), ("Bosnia-Herzegovina", "BA"),
    ("Bosnia & Herzegovina", "BA"), ("Bosna i Hercegovina", "BA"), ("Србија", "RS"),
    ("Srbija", "RS"), ("Crna Gora", "ME"), ("Ελλάδα", "GR"), ("EL", "GR"), ("Hellas", "GR"),
    ("Shqipëria", "AL"), ("shqiperia", "AL"), ("България", "BG"), ("Magyarország", "HU"),
    ("România", "RO"), ("Hrvatska", "HR"), ("Slovenija", "SI"), ("  serbia  ", "RS"),
    ("SRB", "RS"), ("688", "RS"), ("Türkiye Cumhuriyeti", "TR"),
])
def test_any_spelling_resolves(name, code):
    assert resolve_country(name) == code


def test_unknown_member_is_refused_with_suggestions():
    with pytest.raises(ReferenceDataError) as exc:
        resolve_country("Serbja")
    assert exc.value.suggestions == ["Serbia (RS)"]
    assert "did you mean 'Serbia (RS)'?" in str(exc.value)
    with pytest.raises(ReferenceDataError, match="unknown member country 'Austria'"):
        resolve_country("Austria")


def test_world_countries_for_nationalities_and_routes():
    assert resolve_world_country("Afghanistan") == "AF"
    assert resolve_world_country("Syria") == "SY"
    assert resolve_world_country("Kosovo") == "XK"
    assert resolve_world_country("FYROM") == "MK"
    with pytest.raises(ReferenceDataError, match="did you mean 'Pakistan"):
        resolve_world_country("Pakistn")


def test_crime_area_taxonomy_maps_to_gitoc_and_unodc():
    codes = [a.code for a in crime_areas()]
    assert codes[:5] == ["drugs", "heroin", "cocaine", "cannabis", "synthetic"]
    assert {"migrant_smuggling", "thb", "firearms", "excise_goods", "counterfeit_goods",
            "economic_crime", "cybercrime", "environmental_crime", "property_crime"} <= set(codes)
    assert crime_area("heroin").parent == "drugs"
    assert crime_area("thb").gitoc_markets(2021) == ("Human trafficking",)
    assert crime_area("cybercrime").gitoc_markets(2021) == ()
    assert crime_area("cybercrime").gitoc_markets(2023) == ("Cyber-dependent crimes",)
    assert crime_area("migrant_smuggling").unodc_category == "Smuggling of migrants"
    assert resolve_crime_area("Money laundering") == "economic_crime"


def test_cycles():
    c = cycle("2013-2017")
    assert (list(c.years), c.report_year) == ([2013, 2014, 2015, 2016, 2017], 2018)
    assert cycle("2013–2017") == c  # en dash
    with pytest.raises(ReferenceDataError, match="unknown cycle '2017'"):
        cycle("2017")
