"""VCF reader: patients per sample, genotypes kept as called, bad files quarantined whole."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from osler.errors import IngestError
from osler.genomics.synthetic import write_toy_pharmcat, write_vcf
from osler.ingest.vcf import read_vcf, sniff_vcf
from osler.record import EventKind

pytest.importorskip("cyvcf2")


@pytest.fixture()
def toy(tmp_path: Path) -> Path:
    return write_toy_pharmcat(tmp_path / "pharmcat")


def _by_pos(record) -> dict:
    return {g.pos: g for g in record.of_kind(EventKind.GENOTYPE)}


def test_one_record_per_sample_with_phasing_and_missing(tmp_path: Path, toy: Path) -> None:
    vcf = write_vcf(tmp_path / "two.vcf", {"S1": {1000: "0|1", 2000: "./."}, "S2": {1000: "1/1"}})
    records = list(read_vcf(vcf, definitions=toy))
    assert [r.patient_id for r in records] == ["S1", "S2"]
    s1, s2 = (_by_pos(r) for r in records)
    assert s1[1000].alleles == ("C", "T") and s1[1000].phased
    assert s1[2000].alleles == (None, None)  # missing stays missing
    assert s2[1000].alleles == ("T", "T") and not s2[1000].phased
    assert s1[3000].alleles == ("CT", "CT") and s1[3000].gene == "CYP2C19"
    assert s1[1000].provenance.source == "two.vcf" and s1[1000].provenance.line is not None
    assert s1[1000].chrom == "chr10" and s1[1000].build == "GRCh38"


def test_patient_option_sample_option_and_missing_sample(tmp_path: Path, toy: Path) -> None:
    vcf = write_vcf(tmp_path / "two.vcf", {"S1": {}, "S2": {}})
    (only,) = read_vcf(vcf, definitions=toy, sample="S2", patient="P-9")
    assert only.patient_id == "P-9"
    with pytest.raises(IngestError, match="sample 'S3' is not in the file"):
        list(read_vcf(vcf, definitions=toy, sample="S3"))
    with pytest.raises(IngestError, match="2 samples"):
        list(read_vcf(vcf, definitions=toy, patient="P-9"))


def test_chr_prefix_and_gzip_are_normalised(tmp_path: Path, toy: Path) -> None:
    plain = write_vcf(tmp_path / "nochr.vcf", {"S": {1000: "0/1"}}, chr_prefix=False)
    gz = tmp_path / "nochr.vcf.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    for path in (plain, gz):
        (record,) = read_vcf(path, definitions=toy)
        assert _by_pos(record)[1000].alleles == ("C", "T")
        assert _by_pos(record)[1000].chrom == "chr10"


def test_split_multiallelic_records_are_merged(tmp_path: Path, toy: Path) -> None:
    rows = ["chr10\t1000\trs1000\tC\tT\t.\tPASS\t.\tGT\t0/1",
            "chr10\t1000\trs1000\tC\tG\t.\tPASS\t.\tGT\t0/1"]
    vcf = write_vcf(tmp_path / "multi.vcf", {"S": {}}, rows=rows)
    (record,) = read_vcf(vcf, definitions=toy)
    assert sorted(_by_pos(record)[1000].alleles) == ["G", "T"]


def test_positions_all_keeps_other_records(tmp_path: Path, toy: Path) -> None:
    rows = ["chr1\t10\t.\tA\tG\t.\tPASS\t.\tGT\t0/1", "chr10\t1000\trs1000\tC\tT\t.\tPASS\t.\tGT\t0/0"]
    vcf = write_vcf(tmp_path / "all.vcf", {"S": {}}, rows=rows)
    assert set(_by_pos(next(read_vcf(vcf, definitions=toy, positions="all")))) == {10, 1000}
    assert set(_by_pos(next(read_vcf(vcf, definitions=toy)))) == {1000}


def test_pharmcat_positions_of_interest_are_kept(tmp_path: Path, toy: Path) -> None:
    # PharmCAT flags positions that no allele uses but guidelines read (rs12777823) as POI
    (toy / "pharmcat_positions.vcf").write_text(
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tP\n"
        "chr10\t7777\trs7777\tG\tA\t.\tPASS\tPOI\tGT\t0/0\n")
    from osler.ingest._vcf_reference import _positions_of_interest
    _positions_of_interest.cache_clear()
    rows = ["chr10\t1000\trs1000\tC\tT\t.\tPASS\t.\tGT\t0/1",
            "chr10\t7777\trs7777\tG\tA\t.\tPASS\t.\tGT\t0/1",
            "chr10\t8000\t.\tA\tG\t.\tPASS\t.\tGT\t0/1"]
    vcf = write_vcf(tmp_path / "poi.vcf", {"S": {}}, rows=rows)
    calls = _by_pos(next(read_vcf(vcf, definitions=toy)))
    assert set(calls) == {1000, 7777} and calls[7777].gene is None
    assert calls[7777].rsid == "rs7777"
    bad = write_vcf(tmp_path / "poi_bad.vcf", {"S": {}},
                    rows=["chr10\t7777\trs7777\tC\tA\t.\tPASS\t.\tGT\t0/1"])
    with pytest.raises(IngestError, match="PharmCAT positions"):
        list(read_vcf(bad, definitions=toy))


@pytest.mark.parametrize(("rows", "header", "reason"), [
    (["chr10\t1000\trs1000\tG\tT\t.\tPASS\t.\tGT\t0/1"], "", "disagrees with the GRCh38"),
    (["chr10\t2000\t.\tA\tG\t.\tPASS\t.\tGT\t0/1", "chr10\t1000\t.\tC\tT\t.\tPASS\t.\tGT\t0/1"],
     "", "not sorted"),
    (["chr10\t1000\t.\tC\tT\t.\tPASS\t.\tGT\t0/1", "chr10\t2000\t.\tA"], "", "truncated"),
    (["chr10\t1000\t.\tC\tT\t.\tPASS\t.\tGT\t0/1"], "##contig=<ID=chr1,length=249250621>", "GRCh37"),
    (["chr10\t1000\t.\tC\tT\t.\tPASS\t.\tGT\t0/1"], "##reference=file:///ref/hg19.fa", "GRCh37"),
])
def test_bad_files_are_quarantined_with_reason(tmp_path: Path, toy: Path, rows, header,
                                               reason) -> None:
    vcf = write_vcf(tmp_path / "bad.vcf", {"S": {}}, rows=rows, header=header)
    if header.startswith("##reference"):  # replace the default GRCh38 line
        vcf.write_text(vcf.read_text().replace("##reference=GRCh38\n", ""))
    with pytest.raises(IngestError, match=reason) as err:
        list(read_vcf(vcf, definitions=toy))
    assert err.value.file == "bad.vcf"
    seen: list[IngestError] = []
    assert list(read_vcf(vcf, definitions=toy, on_error=seen.append)) == []
    assert len(seen) == 1


def test_wrong_reference_names_the_line(tmp_path: Path, toy: Path) -> None:
    rows = ["chr10\t1000\trs1000\tC\tT\t.\tPASS\t.\tGT\t0/1",
            "chr10\t2000\trs2000\tT\tG\t.\tPASS\t.\tGT\t0/1"]
    vcf = write_vcf(tmp_path / "ref.vcf", {"S": {}}, rows=rows)
    with pytest.raises(IngestError) as err:
        list(read_vcf(vcf, definitions=toy))
    assert err.value.line == 6  # 4 header lines, then the second record


def test_truncated_gzip_is_quarantined(tmp_path: Path, toy: Path) -> None:
    plain = write_vcf(tmp_path / "x.vcf", {"S": {}})
    data = gzip.compress(plain.read_bytes())
    gz = tmp_path / "cut.vcf.gz"
    gz.write_bytes(data[: len(data) - 12])
    with pytest.raises(IngestError, match="truncated"):
        list(read_vcf(gz, definitions=toy))


def test_sniff_vcf() -> None:
    assert sniff_vcf(Path("a.vcf"), b"##fileformat=VCFv4.1\n")
    assert sniff_vcf(Path("a.vcf.gz"), b"\x1f\x8b\x08")
    assert not sniff_vcf(Path("a.csv"), b"id,name\n")
    assert not sniff_vcf(Path("a.json.gz"), b"\x1f\x8b\x08")


def test_missing_definitions_give_a_clear_error(tmp_path: Path) -> None:
    from osler.errors import OslerError
    vcf = write_vcf(tmp_path / "x.vcf", {"S": {}})
    with pytest.raises(OslerError, match="OSLER_PHARMCAT_DIR"):
        list(read_vcf(vcf, definitions=tmp_path / "nowhere"))


def test_indel_padding_is_normalised_to_the_definition(tmp_path: Path, toy: Path) -> None:
    # the definition's deletion at 3000 is CT>C; this VCF pads it with one more base
    rows = ["chr10\t3000\trs3000\tCTG\tCG\t.\tPASS\t.\tGT\t0/1"]
    vcf = write_vcf(tmp_path / "pad.vcf", {"S": {}}, rows=rows)
    (record,) = read_vcf(vcf, definitions=toy)
    call = _by_pos(record)[3000]
    assert call.ref == "CT" and call.alleles == ("CT", "C")
    from osler.genomics import call_genes
    (cyp,) = [c for c in call_genes(record, definitions=toy) if c.gene == "CYP2C19"]
    assert "*17" in cyp.call.diplotypes[0]


@pytest.mark.parametrize(("header", "build"), [
    ("##reference=file:///ref/human_g1k_v37.fasta", "GRCh37"),
    ("##reference=/ref/Homo_sapiens_assembly38.fasta", "GRCh38"),
    ("##contig=<ID=chr1,length=248956422>", "GRCh38"),
    ("##contig=<ID=1,length=249250621>", "GRCh37"),
    ('##contig=<ID=chr10,assembly="GRCh38.p14",species="Homo sapiens">', "GRCh38"),
    ("##reference=hg18", "NCBI36"),
    ("##fileformat=VCFv4.2", None),  # silent header: not guessed
])
def test_build_detection(header: str, build: str | None) -> None:
    from osler.ingest._vcf_reference import detect_build
    assert detect_build(header) == build
