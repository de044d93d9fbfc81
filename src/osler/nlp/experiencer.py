"""A relative's reach carried into the next sentence by a pronoun, in a note.

ConText's reach is its sentence, so in "Father has diabetes. He had a stroke." the stroke was
the patient's, though "He" is the father: the subject of the sentence before, the most salient
person a pronoun that opens a sentence refers back to. :func:`carry_over` finds the sentences
whose concepts are the relative's by that reading. Only the note pipeline
(:class:`~osler.nlp.concepts.ConceptExtractor`, ``osler nlp extract`` and ``annotate``) uses
it; ``osler nlp context`` attributes one concept in its one sentence, as the NegEx set has it.

It is conservative: a pronoun may be the patient's too ("Mother has diabetes. She denies
chest pain."), and the note does not say the patient's gender. A wrong Other drops a finding
from the patient's timeline, a wrong Patient adds a relative's to it; where the reading is
not clear the mention keeps ConText's answer (the patient's). A sentence is the relative's
when all of these hold:

* it opens with "He", "She" or "They" (any case; not "HE", hepatic encephalopathy, in mixed
  text; not a possessive: "His brother had a stroke" is ConText's, "Her pain" may be either
  person's and stays the patient's);
* the sentence right before it (no blank line, no section header between) opened with a
  relative as its first-mentioned subject ("Father", "His mother", "Maternal aunt", "Mother's
  sister", "Both parents", "Mother and sister"), and every concept in it was someone else's
  (at least one): a relative who tells, worries or brings ("Mother reports fever.", "Father
  brought him in.": the word after the relative is such a verb) or a sentence that names the
  patient's own finding too keeps the pronoun the patient's; or the sentence
  before was itself carried, so that a chain goes on ("Mother had breast cancer. She was
  treated with chemotherapy. She had a mastectomy.") until a sentence opens otherwise;
* the pronoun agrees with the relative: "he" with a man (father, brother, son, uncle,
  grandfather, husband, nephew, grandson), "she" with a woman (mother, sister, daughter, aunt,
  grandmother, wife, niece, granddaughter), either with a relative of no one gender (sibling,
  cousin, parent, child, spouse, partner), "they" with several relatives or one of no gender;
  "they" after one father or mother is more often the clinicians ("They did a CT");
* the pronoun's sentence has no cue of the patient or of this encounter: "patient", "pt",
  "denies", "reports", "states", "complains", "c/o", "presents", "endorses", "admits",
  "feels", "today", "now", "currently", "here", "this morning", "on exam", "me", "we", "our",
  "yesterday", "last night", "this week", "since Monday", or a time in hours or days ("for 3
  days", "x2 days"). "Father has diabetes. He denies chest pain." is the patient's:
  relatives' negatives are rarely told, and a pronoun that denies is the person in the room.
  In a history of the present illness a pronoun is mostly the patient, and a complaint of
  hours or days is what brought them ("Mother had an MI at 50. She has had chest pain for 3
  days."). Nor may it tell of the relative giving or bringing ("She gave acetaminophen": to
  the patient). Such a sentence ends the chain: a pronoun after it is the patient's.

Negation and temporality stay ConText's; only the experiencer becomes Other. In a family
history section every concept is someone else's already.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Relative", "carry_over", "relative_subject"]

MALE = frozenset("""father fathers dad dads daddy papa brother brothers son sons uncle uncles
grandfather grandfathers grandpa granddad husband nephew nephews grandson grandsons stepfather
stepbrother stepson mgf pgf""".split())
FEMALE = frozenset("""mother mothers mom moms mommy mum mama sister sisters daughter daughters
aunt aunts auntie grandmother grandmothers grandma granny wife niece nieces granddaughter
granddaughters stepmother stepsister stepdaughter mgm pgm""".split())
#: Relatives of no one gender (either pronoun may be theirs).
NEUTRAL = frozenset("""parent parents sibling siblings cousin cousins child children kids
grandparent grandparents grandchild grandchildren spouse partner twin twins relative
relatives""".split())
#: Plural forms: several relatives, whom "they" names and "he"/"she" do not.
PLURAL = frozenset("""fathers dads brothers sons uncles grandfathers nephews grandsons mothers
moms sisters daughters aunts grandmothers nieces granddaughters parents siblings cousins
children kids grandparents grandchildren twins relatives""".split())
#: Words that may come before the relative in its subject ("His maternal aunt", "Both
#: parents", "Her older half-brother").
_BEFORE_RELATIVE = frozenset("""his her their the a an both two three four several
maternal paternal older younger elder eldest oldest biological late twin half step great""".split())
#: Verbs after a relative who tells of, or cares for, the patient (an informant in a child's
#: note: "Mother reports fever. She gave acetaminophen." is the child's), not the subject of
#: what the sentence names; and the verbs of a pronoun's sentence of a relative acting for the
#: patient ("She gave acetaminophen").
_TELLS = frozenset("""reports reported states stated says said notes noted denies denied
endorses endorsed describes described thinks thought feels felt believes worried
concerned brought brings found finds noticed notices observed saw witnessed called calls gave
gives asks asked requests requested wants wanted agrees agreed""".split())
_ACTS_FOR = re.compile(r"\b(?:gave|gives|giving|brought|brings|bringing)\b", re.I)
#: Subject pronouns that open a sentence, and the genders they agree with.
_PRONOUNS = {"he": frozenset({"male", "neutral"}), "she": frozenset({"female", "neutral"}),
             "they": frozenset({"plural", "neutral"})}
_PATIENT_CUE = re.compile(
    r"\b(?:patient|patient's|pt|pt's|pts|denies|denied|deny|denying|reports?|reported|reporting"
    r"|states?|stated|stating|complains?|complained|complaining|c/o|presents?|presented"
    r"|presenting|endorses?|endorsed|endorsing|admits|feels|feeling|today|tonight|now"
    r"|currently|here|this (?:morning|afternoon|evening|admission|visit)|on (?:exam|arrival)"
    r"|me|we|our|yesterday|last night|this week"
    # a complaint timed in hours or days is this visit's ("for 3 days", "x2 days", "since Monday")
    r"|(?:x|for(?: the (?:past|last))?) ?\d+ ?(?:hours?|hrs?|days?|d)"
    r"|since (?:yesterday|last night|this morning|(?:mon|tues|wednes|thurs|fri|satur|sun)day))\b",
    re.I)
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


@dataclass(frozen=True, slots=True)
class Relative:
    """The relative a sentence is about: its word and gender (``male``, ``female``,
    ``neutral`` or ``plural``)."""

    word: str
    gender: str


def _gender(word: str) -> str | None:
    if word in PLURAL:
        return "plural"
    for gender, words in (("male", MALE), ("female", FEMALE), ("neutral", NEUTRAL)):
        if word in words:
            return gender
    return None


def _words(sent, skip_to: int = 0) -> list:
    """The tokens of ``sent`` from ``skip_to`` on that hold a letter or digit, less bullets
    and marks ("- Father: diabetes")."""
    return [t for t in sent if t.i >= skip_to and any(ch.isalnum() for ch in t.text)]


def relative_subject(sent, skip_to: int = 0) -> Relative | None:
    """The relative ``sent`` opens with as its subject (from token ``skip_to``, past a header),
    or None: "Father has diabetes", "His maternal aunt had ...", "Mother's sister had ..." (the
    sister), "Both parents have ...", "Mother and sister have ..." (several)."""
    words = _words(sent, skip_to)
    i, head = 0, None
    while i < len(words) and i < 8:
        low = words[i].lower_
        if low in ("patient", "pt") and i + 1 < len(words) and words[i + 1].lower_ == "'s":
            i += 2   # "Patient's father"
            continue
        gender = _gender(low.replace("half-", "").replace("step-", "").replace("great-", ""))
        if gender is not None:
            head = Relative(low, gender)
            if i + 1 < len(words) and words[i + 1].lower_ in ("'s", "'"):
                i += 2   # "Mother's sister": the sister is the subject
                head = None
                continue
            break
        if low not in _BEFORE_RELATIVE:
            return None
        i += 1
    if head is None:
        return None
    verb = [t.lower_ for t in words[i + 1:i + 3]]
    if verb[:1] and verb[0] in ("is", "was", "also") and len(verb) > 1:
        verb = verb[1:]   # "Mother is worried", "Mother also reports"
    if verb[:1] and verb[0] in _TELLS:
        return None   # "Mother reports fever": she tells, the fever may be the patient's
    # "Mother and sister have breast cancer": several relatives
    rest = words[i + 1:i + 5]
    if rest and rest[0].lower_ == "and" and any(_gender(t.lower_) for t in rest[1:]):
        return Relative(head.word, "plural")
    return head


def _pronoun(sent, ent_tokens: set[int]) -> str | None:
    """The subject pronoun ``sent`` opens with (lower case), or None. All in capitals, "HE" is
    hepatic encephalopathy unless the next word is in capitals too; a token inside a concept
    is no pronoun."""
    words = _words(sent)
    if not words:
        return None
    first = words[0]
    low = first.lower_
    if low not in _PRONOUNS or first.i in ent_tokens:
        return None
    if first.text.isupper() and len(first.text) > 1 and not (
            len(words) > 1 and words[1].text.isupper()):
        return None
    return low


def _header_at(doc, start: int, end: int) -> int | None:
    """Where the first section header starting in tokens ``start`` (exclusive) to ``end``
    starts, or None."""
    return min((sec.title_start for sec in getattr(doc._, "sections", None) or []
                if sec.title_end is not None and sec.title_start is not None
                and sec.title_end > sec.title_start and start < sec.title_start < end),
               default=None)


def _header_end(doc, sent) -> int:
    """The token after a section header that opens ``sent`` ("Family History: Father has
    ..."), else the sentence's first token."""
    for sec in getattr(doc._, "sections", None) or []:
        if (sec.title_start is not None and sec.title_end is not None
                and sec.title_start == sent.start and sec.title_end > sec.title_start):
            return sec.title_end
    return sent.start


def carry_over(doc, experiencers: dict[int, str], before: Relative | None = None,
               appended: int = 0) -> tuple[set[int], Relative | None]:
    """The concepts of ``doc`` that are a relative's by a pronoun opening their sentence (see
    the module's rules), and the relative the last sentence is about, for the next piece.

    Parameters
    ----------
    doc
        A parsed note (or piece of one), with sentences, sections and concepts (``doc.ents``).
    experiencers
        The experiencer (``Patient`` or ``Other``) each kept concept has so far, by the token
        its entity starts at; concepts left out (another sense of a word) are not in it.
    before
        The relative the piece before this one ended about (``None``: none, or a blank line
        or header between).
    appended
        How many characters at the end of ``doc`` the caller added to the note's text (the
        closing line break of :class:`~osler.nlp.concepts.ConceptExtractor`): no blank line
        is read into them.

    Returns
    -------
    (starts, relative)
        The start tokens of the concepts to make someone else's, and the relative the doc's
        last sentence is about (``None`` after a blank line, a header or another subject).
    """
    ent_tokens = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    carried: set[int] = set()
    text = doc.text[:len(doc.text) - appended]
    state = before
    prev_end = None   # the token after the last word of the sentence before
    for sent in doc.sents:
        words = _words(sent)
        if not words:
            if _BLANK_LINE.search(text[sent.start_char:sent.end_char]):
                state = None
            continue
        since = doc[prev_end - 1].idx if prev_end is not None else 0
        if _BLANK_LINE.search(text[since:words[0].idx]) or (
                prev_end is not None and _header_at(doc, prev_end - 1, words[0].i + 1)
                is not None):
            state = None   # a paragraph or a section ends the reach
        prev_end = words[-1].i + 1
        # a header inside the sentence ends it for this purpose ("He smokes. FH: ...")
        inner = _header_at(doc, words[0].i, sent.end)
        limit = sent.end if inner is None else inner
        starts = [i for i in experiencers if words[0].i <= i < limit]
        pronoun = _pronoun(sent, ent_tokens)
        if (pronoun and state is not None and state.gender in _PRONOUNS[pronoun]
                and not _PATIENT_CUE.search(doc[words[0].i:limit].text)
                and not _ACTS_FOR.search(doc[words[0].i:limit].text)):
            carried.update(starts)
        else:
            subject = relative_subject(sent, _header_end(doc, sent))
            state = subject if subject is not None and starts and all(
                experiencers[i] == "Other" for i in starts) else None
        if inner is not None:
            state = None
    if prev_end is not None and _BLANK_LINE.search(text[doc[prev_end - 1].idx:]):
        state = None   # the piece ends with a paragraph
    return carried, state
