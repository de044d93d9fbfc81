"""What PharmCAT's own tests assert for its test VCFs: the benchmark's second truth.

The test files' names are their authors' shorthand (``s1s17.vcf``), written before later
definition changes (CYP2C19 ``*38`` as reference, UGT1A1 ``*80+*28`` as a named allele, new
positions that old files do not carry). PharmCAT's tests state what its Named Allele Matcher
actually returns; this table transcribes those expected calls (facts, not code) from the
PharmGKB/PharmCAT repository, tests written for the current (v3) definitions:

* ``NamedAlleleMatcher<Gene>Test``: in ``src/test/java/org/pharmgkb/pharmcat/haplotype/``,
  whose helper ``testMatchNamedAlleles(definition, vcf)`` runs with ``topCandidateOnly=false``,
  so the list is every fitting diplotype (mode ``all``) unless the test passes ``true``.
* ``PipelineTest``: ``src/test/java/org/pharmgkb/pharmcat/PipelineTest.java``, the whole default
  pipeline (top candidates only, mode ``top``), source diplotypes.

``twin`` is None when the test reads the very file. Otherwise the test builds the genotype in
code (``TestVcfBuilder``: listed positions as given, every other position reference) and
``twin`` gives that genotype per rsid as ``het``, ``hom`` or ``missing``; the benchmark checks
the file against it and uses the assertion only when they agree at every position the file
has. Positions the file lacks are filled with reference, as the builder does; the script also
prints the call on the file as it is when that differs (it can lengthen the "all" list).
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["ASSERTIONS", "Assertion"]

NAM = "NamedAlleleMatcher{}Test.{}"
PIPE = "PipelineTest.{}"


class Assertion(NamedTuple):
    file: str                       # under test-vcf/haplotype/
    gene: str
    mode: str                       # 'top' (PharmCAT default) or 'all' (every fitting pair)
    expected: tuple[str, ...]       # diplotypes; () = not called
    test: str
    twin: dict[str, str] | None = None


def _a(file, gene, mode, expected, test, twin=None) -> Assertion:
    return Assertion(file, gene, mode, tuple(expected), test, twin)


_C19 = "Cyp2c19"
ASSERTIONS: tuple[Assertion, ...] = (
    # CYP2C19 (the reference is *38; *1 differs from it only at rs3758581)
    _a("cyp2c19/s4bs17rs28399504missing.vcf", "CYP2C19", "all", ["*17/*17", "*4/*17", "*4/*4"],
       NAM.format(_C19, "s4bs17rs28399504missing")),
    _a("cyp2c19/s4s17missingS1.vcf", "CYP2C19", "top", ["*1/*4", "*4/*38"],
       PIPE.format("testCyp2c19s1s4missingS1"),
       {"rs12248560": "het", "rs28399504": "het", "rs3758581": "missing"}),
    _a("cyp2c19/s15s28.vcf", "CYP2C19", "all", ["*15/*28", "*28/*39"],
       NAM.format(_C19, "cyp2c19s15s28"),
       {"rs17882687": "hom", "rs113934938": "het", "rs3758581": "missing",
        "rs17885179": "missing"}),
    _a("cyp2c19/s4bs17.vcf", "CYP2C19", "all", ["*4/*17"], NAM.format(_C19, "cyp2c19s4bs17"),
       {"rs12248560": "hom", "rs28399504": "het", "rs3758581": "missing"}),
    _a("cyp2c19/s4as4b.vcf", "CYP2C19", "all", ["*4/*4"], NAM.format(_C19, "cyp2c19s4as4b"),
       {"rs12248560": "het", "rs28399504": "hom", "rs3758581": "missing"}),
    _a("cyp2c19/s2s2.vcf", "CYP2C19", "all", ["*2/*2"], NAM.format(_C19, "cyp2c19s2s2"),
       {"rs12769205": "hom", "rs4244285": "hom", "rs3758581": "missing"}),
    _a("cyp2c19/s2s3.vcf", "CYP2C19", "all", ["*2/*3"], NAM.format(_C19, "cyp2c19s2s3"),
       {"rs12769205": "het", "rs4986893": "het", "rs4244285": "het", "rs3758581": "missing"}),
    _a("cyp2c19/s1s28.vcf", "CYP2C19", "all", ["*1/*28"], NAM.format(_C19, "cyp2c19s1s28"),
       {"rs17882687": "het", "rs3758581": "hom", "rs113934938": "het"}),
    _a("cyp2c19/s1s17s1s4bmissing.vcf", "CYP2C19", "top", ["*1/*17", "*1/*4"],
       NAM.format(_C19, "cyp2c19s1s17s1s4bMissingCalls"),
       {"rs12248560": "het", "rs3758581": "hom", "rs28399504": "missing"}),
    _a("cyp2c19/s1s17s1s4bmissingmore.vcf", "CYP2C19", "top", ["*1/*17", "*1/*4"],
       NAM.format(_C19, "cyp2c19s1s17s1s4bMissingMoreCalls"),
       {"rs12248560": "het", "rs3758581": "hom",
        **{rs: "missing" for rs in ("rs28399504", "rs17882687", "rs1564656981", "rs1564657013",
                                    "rs1564660997", "rs1288601658", "rs17885179",
                                    "rs375781227", "rs72558186", "rs113934938")}}),
    _a("cyp2c19/rs12769205missingrs4244285het.vcf", "CYP2C19", "all", ["*1/*2", "*2/*35"],
       NAM.format(_C19, "rs12769205missingrs4244285het"),
       {"rs4244285": "het", "rs3758581": "hom", "rs12769205": "missing"}),
    _a("cyp2c19/rs12769205call.vcf", "CYP2C19", "all", ["*1/*35"],
       NAM.format(_C19, "rs12769205call"), {"rs12769205": "het", "rs3758581": "hom"}),
    _a("cyp2c19/s1s1rs12248560missing.vcf", "CYP2C19", "all", ["*1/*1", "*1/*17", "*17/*17"],
       NAM.format(_C19, "s1s1rs12248560missing"),
       {"rs3758581": "hom", "rs12248560": "missing"}),
    _a("cyp2c19/s4s17het.vcf", "CYP2C19", "all", ["*4/*17"], NAM.format(_C19, "s4s17het"),
       {"rs12248560": "hom", "rs28399504": "het", "rs3758581": "hom"}),
    _a("cyp2c19/sUnks17.vcf", "CYP2C19", "all", [], NAM.format(_C19, "cyp2c19sUnks17"),
       {"rs12248560": "hom", "rs28399504": "het"}),
    _a("cyp2c19/s1s1.vcf", "CYP2C19", "all", ["*1/*1"], NAM.format(_C19, "cyp2c19s1s1"),
       {"rs3758581": "hom"}),
    _a("cyp2c19/s1s2.vcf", "CYP2C19", "all", ["*1/*2"], NAM.format(_C19, "cyp2c19s1s2"),
       {"rs12769205": "het", "rs4244285": "het", "rs3758581": "hom"}),
    _a("cyp2c19/noCall.vcf", "CYP2C19", "top", [], PIPE.format("testCyp2c19noCall"),
       {"rs12769205": "het", "rs4244285": "hom"}),
    _a("cyp2c19/s1s2rs58973490het.vcf", "CYP2C19", "top", ["*1/*2"],
       PIPE.format("testCyp2c19_s1s2rs58973490het"),
       {"rs12769205": "het", "rs58973490": "het", "rs4244285": "het", "rs3758581": "hom"}),
    # CYP2C9: the tests read the files
    *(_a(f"cyp2c9/{f}.vcf", "CYP2C9", "all", e, NAM.format("Cyp2c9", t)) for f, e, t in (
        ("s1s1", ["*1/*1"], "cyp2c9s1s1"), ("s2s3", ["*2/*3"], "cyp2c9s2s3"),
        ("s2s24", ["*2/*24"], "cyp2c9s2s24"), ("s2s24only", [], "cyp2c9s2s24Only"),
        ("s24s24", ["*24/*24"], "cyp2c9s24s24"), ("s2s25", ["*2/*25"], "cyp2c9s2s25"),
        ("s24s2pluss24", [], "cyp2c9s24s2s24"))),
    # CYP3A5
    *(_a(f"cyp3a5/{f}.vcf", "CYP3A5", "all", e, NAM.format("Cyp3a5", t)) for f, e, t in (
        ("s3s9", ["*3/*9"], "cyp3a5s3s9"), ("s1s7", ["*1/*7"], "cyp3a5s1s7"),
        ("s3s9-homozygous", ["*3/*9"], "cyp3a5s3s9Homozygous"),
        ("s1s7missing", ["*1/*1"], "s1s7missing"),
        ("s1s1rs776746missing", ["*1/*1"], "s1s1rs776746missing"))),
    _a("cyp3a5/s1s3rs776746rs28383479het.vcf", "CYP3A5", "top", ["*3/*9"],
       PIPE.format("testCyp3a5v5"), {"rs28383479": "het", "rs776746": "het"}),
    _a("cyp3a5/s1s3rs776746rs55965422rs28383479het.vcf", "CYP3A5", "top", ["*3/*9"],
       PIPE.format("testCyp3a5v5"), {"rs28383479": "het", "rs776746": "het"}),
    _a("cyp3a5/s1s3rs776746rs55965422het.vcf", "CYP3A5", "top", ["*1/*3"],
       PIPE.format("testCyp3a5v4"), {"rs776746": "het"}),
    _a("cyp3a5/s3s3rs55965422het.vcf", "CYP3A5", "top", ["*3/*3"],
       PIPE.format("testCyp3a5v3"), {"rs776746": "hom"}),
    # TPMT: the tests read the files
    *(_a(f"TPMT/{f}.vcf", "TPMT", "all", e, NAM.format("Tpmt", t)) for f, e, t in (
        ("s1s1", ["*1/*1"], "tpmts1s1"), ("s1s1s", ["*1/*1"], "tpmts1s1s"),
        ("s3bs3c", ["*1/*3A", "*3B/*3C"], "tpmts3bs3c"), ("s3as3b", ["*3A/*3B"], "tpmts3as3b"),
        ("s16s22", ["*16/*22"], "tpmts16s22"),
        ("s1ss1ss3", ["*1/*3A", "*3B/*3C"], "tpmtStar1SHomo3AHet"))),
    # UGT1A1: the matcher tests read the files; the pipeline tests build twins
    *(_a(f"UGT1A1/{f}.vcf", "UGT1A1", m, e, NAM.format("Ugt1a1", t)) for f, m, e, t in (
        ("s1s1", "all", ["*1/*1"], "ugt1a1s1s1"), ("s28s37", "all", ["*28/*37"], "ugt1a1s28s37"),
        ("s6s6", "all", ["*6/*6"], "ugt1a1s6s6"),
        ("s1s60s80unphased", "all", ["*1/*80"], "ugt1a1s1s60s80"),
        ("s1s28s60s80unphased", "all", ["*1/*80+*28", "*28/*80"], "ugt1a1s1s28s60s80"),
        ("s1s60s80phased", "all", ["*1/*80"], "ugt1a1s1s60s80phased"),
        ("s28s80s6s60phased", "all", ["*6/*80+*28"], "ugt1a1s28s80s6s60phased"),
        ("s28s80s6s60unphased", "all", ["*6/*80+*28"], "ugt1a1s28s80s6s60unphased"),
        ("s6s60s80s28missingunphased", "all", ["*6/*80", "*6/*80+*28", "*6/*80+*37"],
         "ugt1a1s6s60s80s28missingunphased"),
        ("s28s80unphased", "all", ["*1/*80+*28", "*28/*80"], "ugt1a1s28s80unphased"),
        ("s28s80unphased", "top", ["*1/*80+*28"], "ugt1a1s28s80unphasedTopCandidateOnly"),
        ("s28s80phased", "all", ["*1/*80+*28"], "ugt1a1s28s80phased"),
        ("HG00436", "all", [], "ugt1a1HG00436"),
        ("s1s37s80s60phased", "all", ["*1/*80+*37"], "ugt1a1s1s37s80s60phased"))),
    _a("UGT1A1/s80s28missing.vcf", "UGT1A1", "top", ["*1/*80", "*1/*80+*28", "*1/*80+*37"],
       PIPE.format("testUgt1a1s80s28missing"), {"rs3064744": "missing", "rs887829": "het"}),
    _a("UGT1A1/NA12717_UGT1A1.vcf", "UGT1A1", "top", ["*80/*80+*28"],
       PIPE.format("testUgt1a1na12717"), {"rs887829": "hom", "rs3064744": "het"}),
    _a("UGT1A1/s28s28unphaseds60s80miss.vcf", "UGT1A1", "top",
       ["*28/*28", "*28/*80+*28", "*80+*28/*80+*28"], PIPE.format("testUgt1a1s28homMissing"),
       {"rs887829": "missing", "rs3064744": "hom"}),
    _a("UGT1A1/s28s60hom.vcf", "UGT1A1", "top", ["*1/*28"], PIPE.format("testUgt1a1s28s60Hom"),
       {"rs3064744": "het"}),
    _a("UGT1A1/s27s28unphaseds80s60missing.vcf", "UGT1A1", "top", ["*27/*28", "*27/*80+*28"],
       PIPE.format("testUgt1a1s27s28unphaseds80s60missing"),
       {"rs887829": "missing", "rs3064744": "het", "rs35350960": "het"}),
    _a("UGT1A1/s1s80s27s60s28missingphased.vcf", "UGT1A1", "top", [],
       PIPE.format("testUgt1a1s1s80s27s60s28MissingPhased"),
       {"rs3064744": "missing", "rs887829": "het", "rs35350960": "het"}),
    _a("UGT1A1/s1s60s80s6phased.vcf", "UGT1A1", "top", [],
       PIPE.format("testUgt1a1s1s60s80s6phased"), {"rs887829": "het", "rs35350960": "het"}),
    _a("UGT1A1/s1s60s80s28s6phased.vcf", "UGT1A1", "top", [],
       PIPE.format("testUgt1a1s1s60s80s28s6phased"),
       {"rs887829": "het", "rs3064744": "het", "rs35350960": "het"}),
    _a("UGT1A1/s6s60s80s28missingphased.vcf", "UGT1A1", "top",
       ["*6/*80", "*6/*80+*28", "*6/*80+*37"], PIPE.format("testUgt1a1s6s60s80s28MissingPhased"),
       {"rs3064744": "missing", "rs887829": "het", "rs4148323": "het"}),
    # SLCO1B1: pipeline twins (top) and matcher-test twins (all)
    _a("SLCO1B1/s1s1.vcf", "SLCO1B1", "top", ["*1/*1"], PIPE.format("testSlco1b1HomWild"), {}),
    _a("SLCO1B1/s5s15.vcf", "SLCO1B1", "top", ["*5/*15"], PIPE.format("testSlco1b1HomVar"),
       {"rs2306283": "het", "rs4149056": "hom"}),
    _a("SLCO1B1/s1s15.vcf", "SLCO1B1", "top", ["*1/*15"], PIPE.format("testSlco1b1Test3"),
       {"rs2306283": "het", "rs4149056": "het"}),
    _a("SLCO1B1/s1s15.vcf", "SLCO1B1", "all", ["*1/*15", "*5/*37"],
       NAM.format("Slco1b1", "slco1b1s1s15"), {"rs2306283": "het", "rs4149056": "het"}),
    _a("SLCO1B1/s1s44.vcf", "SLCO1B1", "top", ["*1/*44"], PIPE.format("testSlco1b1Test5"),
       {"rs2306283": "het", "rs11045852": "het", "rs74064213": "het"}),
    _a("SLCO1B1/s5s45.vcf", "SLCO1B1", "top", ["*5/*45"], PIPE.format("testSlco1b1Test4"),
       {"rs4149056": "het", "rs71581941": "het"}),
    _a("SLCO1B1/SLCO1B1_s5_s14_t1.vcf", "SLCO1B1", "all", ["*4/*15", "*5/*14"],
       NAM.format("Slco1b1", "slco1b1s5s14"),
       {"rs2306283": "het", "rs11045819": "het", "rs4149056": "het"}),
    _a("SLCO1B1/s1as15s1bs5missing.vcf", "SLCO1B1", "all", ["*1/*15", "*5/*29", "*5/*37"],
       NAM.format("Slco1b1", "slco1b1s1as15s1bs5Missing"),
       {"rs2306283": "het", "rs4149056": "het", "rs140790673": "missing"}),
    _a("SLCO1B1/s1as15s1bs5twomissing.vcf", "SLCO1B1", "all", ["*1/*15", "*5/*29", "*5/*37"],
       NAM.format("Slco1b1", "slco1b1s1as15s1bs5TwoMissing"),
       {"rs2306283": "het", "rs4149056": "het", "rs200995543": "missing",
        "rs140790673": "missing"}),
)
