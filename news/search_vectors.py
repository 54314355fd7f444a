"""PostgreSQL search vectors computed here, for writers of many search documents at once (``generate_news``).

The database computes a document's weighted ``tsvector`` itself (migration
0009: ``news_search_vector(title, summary, body)``, kept by a trigger) when a
row comes without one. Parsing the text is most of the cost of writing a
document, and a bulk writer's documents are made of few distinct pieces: the
same body skeletons and words again and again. So here each distinct term is
given once to PostgreSQL, which says which lexemes it makes at which
positions, and a document's vector is assembled from its terms the way
``to_tsvector``, ``setweight`` and ``||`` assemble it: positions counted per
field, each field shifted by the highest position before it, in the binary
form PostgreSQL sends and receives a vector in. PostgreSQL then only reads it.

A document's text is its terms joined by single spaces (``search.document_text``),
and the default parser cuts at spaces, so a text's lexemes are those of its
terms in turn. A document where a lexeme would have more positions than a
vector keeps, or positions past the highest one, gets no vector here: the
trigger computes it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

CONFIG = "english"
# A lexeme keeps at most 255 positions in to_tsvector and positions stop at 16,383: stay well inside both.
MAX_POSITIONS_PER_LEXEME = 250
MAX_POSITION = 16000
_SENTINEL = "zqxsentinel"  # a word after each term: its position tells how many positions the term took
_CACHED_FROM = 40  # positions of a piece from which its binary form is kept for each offset it is written at


@dataclass(frozen=True)
class Piece:
    """The lexemes of a run of terms, at positions from 1, and how many positions the run takes."""

    length: int
    lexemes: dict[str, tuple[int, ...]]

    @cached_property
    def last(self) -> int:
        """The highest position holding a lexeme (0 if none): what ``||`` shifts the next field by."""
        return max((positions[-1] for positions in self.lexemes.values()), default=0)

    @cached_property
    def flat(self) -> list[tuple[bytes, int]]:
        """Each lexeme as the binary form writes it, with each of its positions in turn."""
        return [(key, position) for key, positions in self.encoded for position in positions]

    @cached_property
    def encoded(self) -> list[tuple[bytes, tuple[int, ...]]]:
        """Each lexeme as the binary form writes it (ended by a NUL), with its positions."""
        return [(lexeme.encode() + b"\0", positions) for lexeme, positions in self.lexemes.items()]


def _join(pieces: list[Piece]) -> Piece:
    lexemes: dict[str, list[int]] = {}
    length = 0
    for piece in pieces:
        for lexeme, positions in piece.lexemes.items():
            lexemes.setdefault(lexeme, []).extend(p + length for p in positions)
        length += piece.length
    return Piece(length, {lexeme: tuple(positions) for lexeme, positions in lexemes.items()})


class Vectors:
    """Vectors of documents, from the lexemes PostgreSQL gives their terms (asked once per distinct term)."""

    def __init__(self, cursor):
        self.cursor = cursor
        self._terms: dict[str, Piece] = {"": Piece(0, {})}  # nothing between two spaces, or an empty text
        self._pieces: dict[str, Piece] = {}
        self._packed: dict[tuple[str, int], dict[bytes, bytes]] = {}
        # A position with a weight as PostgreSQL sends it: two bytes, the weight in the top two bits.
        self._positions = {
            weight: [(value << 14 | position).to_bytes(2, "big") for position in range(MAX_POSITION + 1)]
            for weight, value in _WEIGHTS.items()
        }
        self._counts = [count.to_bytes(2, "big") for count in range(MAX_POSITIONS_PER_LEXEME + 1)]

    def learn(self, texts: Iterable[str]) -> None:
        """Ask PostgreSQL, in one query, for the lexemes of the terms of ``texts`` not seen yet."""
        kept = self._pieces
        new = {term for text in texts if text not in kept for term in text.split(" ")} - self._terms.keys()
        if not new:
            return
        terms = sorted(new)
        self.cursor.execute(
            "SELECT t.n, v.lexeme, v.positions FROM unnest(%s::text[]) WITH ORDINALITY AS t(term, n), "
            "LATERAL unnest(to_tsvector(%s::regconfig, t.term || ' ' || %s)) AS v",
            [terms, CONFIG, _SENTINEL],
        )
        found: dict[int, dict[str, tuple[int, ...]]] = {}
        for n, lexeme, positions in self.cursor.fetchall():
            found.setdefault(n, {})[lexeme] = tuple(positions)
        for n, term in enumerate(terms, start=1):
            lexemes = found.get(n, {})
            after = lexemes.pop(_SENTINEL, ())
            if not after:
                raise ValueError(f"PostgreSQL's {CONFIG} configuration drops the word {_SENTINEL!r}")
            if after[:-1]:  # the term made that lexeme too
                lexemes[_SENTINEL] = after[:-1]
            self._terms[term] = Piece(after[-1] - 1, lexemes)

    def piece(self, text: str, *, keep: bool = False) -> Piece:
        """The lexemes of ``text`` (its terms learnt); ``keep``: remembered for the next time."""
        found = self._pieces.get(text)
        if found is None:
            terms = self._terms
            found = _join([terms[term] for term in text.split(" ")])
            if keep:
                self._pieces[text] = found
        return found

    def _places(self, text: str) -> tuple[int, dict[bytes, list[int]]]:
        """The highest position holding a lexeme in ``text``, and each lexeme's positions (a title, a summary)."""
        terms = self._terms
        places: dict[bytes, list[int]] = {}
        shift = last = 0
        for term in text.split(" "):
            piece = terms[term]
            for key, p in piece.flat:
                places.setdefault(key, []).append(p + shift)
            if piece.lexemes:
                last = shift + piece.last
            shift += piece.length
        return last, places

    def vector(self, title: str, summary: str, body: Sequence[str]) -> bytes | None:
        """``news_search_vector(title, summary, " ".join(body))`` in PostgreSQL's binary form (for a binary
        ``COPY``), or None to let PostgreSQL compute it.

        ``body``: the body's text in pieces; they are kept for the next documents (a body's skeleton, its words).
        """
        title_last, title_places = self._places(title)
        summary_last, summary_places = self._places(summary)
        positions = self._positions
        # Each lexeme (with the NUL that ends it in the binary form) to its positions so far, in order. The body
        # follows the highest position of the title and summary; its pieces follow one another by length, as
        # to_tsvector counts positions within one text.
        found: dict[bytes, bytes] = {}
        shift = title_last + summary_last
        weighted = positions["C"]
        pieces, kept = self._pieces, self._packed
        try:
            for text in body:
                piece = pieces.get(text) or self.piece(text, keep=True)
                if piece.length >= _CACHED_FROM:
                    packed = kept.get((text, shift))
                    if packed is None:
                        packed = kept[text, shift] = {
                            key: b"".join([weighted[p + shift] for p in places]) for key, places in piece.encoded
                        }
                    if found:
                        for key, chunk in packed.items():
                            found[key] = found.get(key, b"") + chunk
                    else:
                        found = dict(packed)
                else:
                    for key, p in piece.flat:
                        found[key] = found.get(key, b"") + weighted[p + shift]
                shift += piece.length
        except IndexError:  # past the highest position
            return None
        # The title's and summary's positions come before the body's.
        for places, before, weight in ((summary_places, title_last, "B"), (title_places, 0, "A")):
            weighted = positions[weight]
            for key, where in places.items():
                found[key] = b"".join([weighted[p + before] for p in where]) + found.get(key, b"")
        try:
            counts = self._counts
            # PostgreSQL's order of lexemes: bytewise, a prefix first (the NUL sorts before any byte).
            entries = [key + counts[len(chunk) >> 1] + chunk for key in sorted(found) if (chunk := found[key])]
        except IndexError:  # a lexeme with more positions than a vector keeps
            return None
        return len(found).to_bytes(4, "big") + b"".join(entries)


_WEIGHTS = {"A": 3, "B": 2, "C": 1}
