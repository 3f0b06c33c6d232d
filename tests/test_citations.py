"""Citation hygiene and label-worded severities in the bundled data (issue 22, items 9 and 10)."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import unquote, urlsplit

from sleepplan.core.catalog import Source
from sleepplan.core.interactions import MED_PREFIX, InteractionData, resolve_medications
from sleepplan.core.safety import RACETAM_RULE, Intake, SafetyContext, SafetyWarning, check
from sleepplan.store.bundled import bundled_catalog, bundled_interactions

# The address forms a PubMed record is reached by; the number after them is its PMID.
PUBMED_URL = re.compile(
    r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov\.?/pubmed/|pubmed\.gov/)(\d+)",
    re.IGNORECASE,
)


def _pubmed_ids(url: str | None) -> set[str]:
    """PMIDs named in a URL, in any of the PubMed address forms."""
    return set(PUBMED_URL.findall(url or ""))


def _interaction_sources(data: InteractionData) -> list[tuple[str, Source]]:
    """Every source in interactions.toml, each with the entry it belongs to."""
    groups: list[tuple[str, tuple[Source, ...]]] = []
    groups += [(f"rule {r.id}", r.sources) for r in data.rules]
    groups += [(f"stack {s.id}", s.sources) for s in data.stacks]
    groups += [(f"class {c.id}", c.sources) for c in data.medication_classes]
    groups += [(f"low_risk {p.a}+{p.b}", p.sources) for p in data.low_risk]
    groups += [(f"label_error {f.compound}", f.sources) for f in data.label_error]
    groups += [(f"brand {b.generic}", b.sources) for b in data.brands]
    return [(place, source) for place, sources in groups for source in sources]


def _pmid_gaps(data: InteractionData) -> list[str]:
    """Sources whose URL names a PubMed record that their ``pmid`` does not give."""
    return [
        f"{place}: {source.title!r} links PMID {pmid} but has pmid={source.pmid}"
        for place, source in _interaction_sources(data)
        for pmid in sorted(_pubmed_ids(source.url))
        if source.pmid != pmid
    ]


def test_pubmed_ids_are_found_in_every_address_form() -> None:
    assert _pubmed_ids("https://pubmed.ncbi.nlm.nih.gov/25413939/") == {"25413939"}
    assert _pubmed_ids("http://www.ncbi.nlm.nih.gov/pubmed/16636327") == {"16636327"}
    assert _pubmed_ids("https://www.ncbi.nlm.nih.gov/pubmed/1571442?dopt=Abstract") == {"1571442"}
    assert _pubmed_ids("https://www.pubmed.gov/37930202/") == {"37930202"}
    # A PMC article or a Bookshelf page is not a PubMed record.
    assert _pubmed_ids("https://pmc.ncbi.nlm.nih.gov/articles/PMC8041491") == set()
    assert _pubmed_ids("https://www.ncbi.nlm.nih.gov/books/NBK557791/") == set()
    assert _pubmed_ids(None) == set()


def test_interaction_sources_give_the_pmid_in_their_url() -> None:
    assert _pmid_gaps(bundled_interactions()) == []


def test_a_url_pmid_missing_from_pmid_is_caught() -> None:
    rule = bundled_interactions().rules[0]
    url = "https://pubmed.ncbi.nlm.nih.gov/25413939/"
    cases = [
        (Source(title="A case report", url=url), 1),
        (Source(title="A case report", url=url, pmid="25413930"), 1),
        (Source(title="A case report", url=url, pmid="25413939"), 0),
    ]
    for source, gaps in cases:
        data = InteractionData(rules=(dataclasses.replace(rule, sources=(source,)),))
        assert len(_pmid_gaps(data)) == gaps, source


def test_interaction_sources_use_the_canonical_ncbi_addresses() -> None:
    # pubmed.gov and "ncbi.nlm.nih.gov." reach the same records under another spelling.
    odd = re.compile(r"//(?:www\.)?pubmed\.gov/|ncbi\.nlm\.nih\.gov\./|nih\.gov/pubmed/")
    found = [
        f"{place}: {source.url}"
        for place, source in _interaction_sources(bundled_interactions())
        if odd.search(source.url or "")
    ]
    assert found == []


def test_no_two_interaction_rules_cover_the_same_pair() -> None:
    seen: dict[frozenset[str], str] = {}
    twice = []
    for rule in bundled_interactions().rules:
        if rule.id == RACETAM_RULE:
            continue
        for pair in {frozenset((x, y)) for x in rule.a for y in rule.b if x != y}:
            if pair in seen:
                twice.append(f"{sorted(pair)}: {seen[pair]} and {rule.id}")
            seen[pair] = rule.id
    assert twice == []


def _warnings(items: list[str]) -> list[SafetyWarning]:
    data = bundled_interactions()
    catalog = bundled_catalog()
    compounds = [i for i in items if not i.startswith(MED_PREFIX)]
    meds = [i.removeprefix(MED_PREFIX) for i in items if i.startswith(MED_PREFIX)]
    context = SafetyContext(data, resolve_medications(meds, data))
    return check([Intake(catalog.get(c)) for c in compounds], context)


def _pair_severity(items: list[str]) -> str | None:
    """The most serious warning naming exactly these items (a rule's or a stack's)."""
    found = [w.severity for w in _warnings(items) if set(w.compounds) == set(items)]
    return min(found, key=lambda severity: severity.rank).value if found else None


# Pairs whose severity the sources' own wording decided in issue 22 (the phrase is quoted in a
# source title in interactions.toml). A change here must come from re-reading the sources.
LABEL_WORDED = [
    (["5-htp", "med:levodopa"], "danger"),  # "should not be given with carbidopa"
    (["5-htp", "med:triptan"], "danger"),  # "should also not be used in combination"
    (["l-tryptophan", "med:triptan"], "caution"),  # "no interactions have yet been reported"
    (["kava", "med:levodopa"], "danger"),  # "you should not take this herb"
    (["chamomile", "med:antiplatelet"], "danger"),  # "you should avoid using chamomile"
    (["melatonin", "med:immunosuppressant"], "danger"),  # "You should avoid melatonin"
    (["ashwagandha", "med:benzodiazepine"], "danger"),  # "Avoid combining ashwagandha"
    (["melatonin", "med:benzodiazepine"], "caution"),  # NHS "Cautions with other medicines"
    (["valerian", "med:benzodiazepine"], "caution"),  # "can increase the effect"
]

MEDICATION_PAIRS = [
    (["maoi"], ["alcohol"], "danger"),  # TripSit "Unsafe": "should be avoided where possible"
    (["alcohol"], ["diphenhydramine"], "danger"),  # "Never mix alcohol and sleep aids"
    (["sertraline"], ["diphenhydramine"], "caution"),  # "Dangerous", but not at medical doses
    (["sertraline"], ["alcohol"], "caution"),  # TripSit "Caution"
]


def test_severity_follows_the_wording_of_the_sources() -> None:
    for items, severity in LABEL_WORDED:
        assert _pair_severity(items) == severity, items


def test_medication_pairs_follow_the_wording_of_the_sources() -> None:
    data = bundled_interactions()
    for first, second, severity in MEDICATION_PAIRS:
        context = SafetyContext(data, resolve_medications([*first, *second], data))
        found = [w.severity for w in check([], context) if w.code == "medication_interaction"]
        worst = min(found, key=lambda level: level.rank).value if found else None
        assert worst == severity, (first, second)


def test_two_cholinesterase_inhibitors_are_a_danger_in_the_stack_too() -> None:
    stack = [w for w in _warnings(["galantamine", "huperzine-a"]) if "acetylcholine" in w.message]
    assert stack and all(w.severity.value == "danger" for w in stack)


# --- The compound catalog (compounds.toml): canonical records, PMIDs, DOIs (issue 22 item 10) ---

# Copies of a PubMed record that keep its PMID in their address. (A library record such as
# ebusca's ".../Record/pubmed-6836118" carries a PMC number, so that form is not read here.)
PUBMED_MIRROR_URL = re.compile(
    r"(?:47\.251\.13\.51:8081/|togows\.dbcls\.jp/entry/ncbi-pubmed/|suppr\.wilddata\.cn/\S*/pubmed/"
    r"|curehunter\.com/public/pubmed|/resource/\w+/mdl-|cmedm,|sleepcited\.com/[\w-]+/papers/"
    r"|yiyunmed\.com/\S*?[?&]id=|biomedsearch\.com/nih/[^/]+/)(\d+)",
    re.IGNORECASE,
)

# Mirrors, proxies and short links whose catalog citations were replaced by the canonical record
# (PubMed, the DOI, DailyMed, ClinicalTrials.gov) in issue 22. No source may point at them again.
REPLACED_MIRRORS = (
    "47.251.13.51",
    "togows.dbcls.jp",
    "pesquisa.bvsalud.org",
    "katalog.lib.cas.cz",
    "ouci.dntb.gov.ua",
    "meddatax.com",
    "pillsync.com",
    "fda.report",
    "vikdr.com",
    "realmofcaring.org",
    "globalauthorid.com",
    "tryl2012.blogspot.com",
    "suppr.wilddata.cn",
    "ift.tt",
    "mijn.bsl.nl",
)

# Query parameters that only say how a page was reached, not which page it is.
TRACKING_QUERY = re.compile(r"[?&](?:trk|utm_[a-z]+|term)=", re.IGNORECASE)

DOI_URL = re.compile(r"^https?://(?:dx\.|www\.)?doi\.org/(.+)$", re.IGNORECASE)


def _catalog_sources() -> list[tuple[str, Source]]:
    """Every source in compounds.toml, each with the compound it belongs to."""
    return [(compound.id, source) for compound in bundled_catalog() for source in compound.sources]


def _catalog_pmids_in_url(url: str | None) -> set[str]:
    """PMIDs a catalog source's URL names, on PubMed itself or on a copy that keeps the PMID."""
    return _pubmed_ids(url) | set(PUBMED_MIRROR_URL.findall(url or ""))


def _catalog_pmid_gaps(sources: list[tuple[str, Source]]) -> list[str]:
    """Sources whose URL names a PMID that their ``pmid`` field does not give."""
    return [
        f"{place}: {source.title!r} links PMID {pmid}, pmid={source.pmid}"
        for place, source in sources
        for pmid in sorted(_catalog_pmids_in_url(source.url))
        if source.pmid != pmid
    ]


def _replaced_mirror_hits(sources: list[tuple[str, Source]]) -> list[str]:
    """Sources whose URL is on a mirror that issue 22 replaced with the canonical record."""
    hits = []
    for place, source in sources:
        host = (urlsplit(source.url or "").hostname or "").lower().rstrip(".")
        if any(host == mirror or host.endswith("." + mirror) for mirror in REPLACED_MIRRORS):
            hits.append(f"{place}: {source.title!r} cites the mirror {host}")
    return hits


def _doi_url_mismatches(sources: list[tuple[str, Source]]) -> list[str]:
    """Sources whose URL is a DOI address that their ``doi`` field does not give."""
    problems = []
    for place, source in sources:
        match = DOI_URL.match(source.url or "")
        if match and unquote(match.group(1)).lower() != (source.doi or "").lower():
            problems.append(
                f"{place}: {source.title!r} links doi {match.group(1)}, doi={source.doi}"
            )
    return problems


def test_catalog_pmid_check_reads_pubmed_and_its_copies() -> None:
    assert _catalog_pmids_in_url("https://pubmed.ncbi.nlm.nih.gov/39252819/") == {"39252819"}
    assert _catalog_pmids_in_url("http://47.251.13.51:8081/28019085") == {"28019085"}
    assert _catalog_pmids_in_url("http://togows.dbcls.jp/entry/ncbi-pubmed/32036242") == {
        "32036242"
    }
    assert _catalog_pmids_in_url("https://curehunter.com/public/pubmed35325766.do") == {"35325766"}
    assert _catalog_pmids_in_url("https://sleepcited.com/it/papers/36259937/") == {"36259937"}
    assert _catalog_pmids_in_url("https://yiyunmed.com/literature/fileenw?id=39106912") == {
        "39106912"
    }
    # A PMC number is not a PMID, in a PMC address or in a library record's address.
    assert _catalog_pmids_in_url("https://ebusca.uv.mx/Record/pubmed-10357048/Details") == set()
    assert _catalog_pmids_in_url("https://pmc.ncbi.nlm.nih.gov/articles/PMC11456512") == set()


def test_catalog_sources_give_the_pmid_in_their_url() -> None:
    assert _catalog_pmid_gaps(_catalog_sources()) == []


def test_a_catalog_pmid_gap_is_reported() -> None:
    url = "http://47.251.13.51:8081/28019085"
    missing = ("zinc", Source(title="Zinc-rich oysters", url=url))
    wrong = ("zinc", Source(title="Zinc-rich oysters", url=url, pmid="28019086"))
    right = ("zinc", Source(title="Zinc-rich oysters", url=url, pmid="28019085"))
    assert len(_catalog_pmid_gaps([missing, wrong, right])) == 2


def test_no_catalog_source_cites_a_replaced_mirror() -> None:
    assert _replaced_mirror_hits(_catalog_sources()) == []


def test_a_replaced_mirror_is_caught_on_any_subdomain() -> None:
    sources = [
        ("modafinil", Source(title="Provigil label", url="https://pillsync.com/drug/provigil")),
        ("cbd", Source(title="Epidiolex", url="https://www.fda.report/DailyMed/8bf27097")),
        ("kava", Source(title="Kava", url="https://pubmed.ncbi.nlm.nih.gov/22585547/")),
    ]
    assert len(_replaced_mirror_hits(sources)) == 2


def test_catalog_doi_addresses_match_their_doi_field() -> None:
    assert _doi_url_mismatches(_catalog_sources()) == []


def test_a_doi_address_without_its_doi_is_reported() -> None:
    encoded = "https://dx.doi.org/10.1016%2FS0149-2918%2803%2990023-3"
    sources = [
        (
            "alpha-gpc",
            Source(title="De Jesus Moreno", url=encoded, doi="10.1016/S0149-2918(03)90023-3"),
        ),
        ("taurine", Source(title="Wu 2008", url="https://doi.org/10.1097/WNR.0b013e3282f50c90")),
    ]
    assert len(_doi_url_mismatches(sources)) == 1


def test_catalog_urls_carry_no_tracking_queries() -> None:
    tracked = [
        f"{place}: {source.url}"
        for place, source in _catalog_sources()
        if TRACKING_QUERY.search(source.url or "")
    ]
    assert tracked == []
