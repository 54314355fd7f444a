"""PostgreSQL search vectors computed here, for writers of many search documents at once (``generate_news``).

The database computes a document's weighted ``tsvector`` itself (migration
0008: ``news_search_vector(title, summary, body)``, kept by a trigger) when a
row comes without one. Parsing the text is most of the cost of writing a
document, and a bulk writer's documents are made of few distinct pieces: the
same body skeletons and words again and again. So here each distinct term is
given once to PostgreSQL, which says which lexemes it makes at which
positions, and a document's vector is assembled from its terms the way
``to_tsvector``, ``setweight`` and ``||`` assemble it: positions counted per
field, each field shifted by the highest position before it. PostgreSQL then
only reads the vector's text.

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
_CACHED_FROM = 40  # positions of a piece from which its text is kept for each offset it is written at


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
    def most(self) -> int:
        """The most positions one lexeme has."""
        return max(map(len, self.lexemes.values()), default=0)

    @cached_property
    def entries(self) -> tuple[tuple[str, int], ...]:
        """Each lexeme's text in a vector, up to its positions (``'lexeme':``), with each of its positions."""
        return tuple(
            (_quote(lexeme) + ":", position) for lexeme, positions in self.lexemes.items() for position in positions
        )


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


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
        self._texts: dict[tuple[str, int], str] = {}
        # A position with the body's weight, as a vector's text writes it: "12C".
        self._body_positions = [f"{position}C" for position in range(MAX_POSITION + 1)]

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

    def vector(self, title: str, summary: str, body: Sequence[str]) -> str | None:
        """The text of ``news_search_vector(title, summary, " ".join(body))``, or None to let PostgreSQL compute it.

        ``body``: the body's text in pieces; they are kept for the next documents (a body's skeleton, its words).
        """
        title_piece, summary_piece = self.piece(title), self.piece(summary)
        out = [_text(title_piece, 0, "A"), _text(summary_piece, title_piece.last, "B")]
        most = title_piece.most + summary_piece.most
        # The body follows the highest position of the title and summary; its pieces follow one another by
        # length, as to_tsvector counts positions within one text.
        shift = title_piece.last + summary_piece.last
        positions = self._body_positions
        pieces, texts = self._pieces, self._texts
        try:
            for text in body:
                piece = pieces.get(text) or self.piece(text, keep=True)
                most += piece.most
                if piece.length >= _CACHED_FROM:
                    written = texts.get((text, shift))
                    if written is None:
                        written = texts[text, shift] = _text(piece, shift, "C")
                    out.append(written)
                else:
                    for prefix, position in piece.entries:
                        out.append(prefix + positions[position + shift])
                shift += piece.length
        except IndexError:  # past the highest position
            return None
        if shift > MAX_POSITION or (most > MAX_POSITIONS_PER_LEXEME and not self._within_limits(title, summary, body)):
            return None
        return " ".join(filter(None, out))

    def _within_limits(self, title: str, summary: str, body: Sequence[str]) -> bool:
        counts: dict[str, int] = {}
        for text in (title, summary, *body):
            for lexeme, positions in self.piece(text).lexemes.items():
                counts[lexeme] = counts.get(lexeme, 0) + len(positions)
        return max(counts.values(), default=0) <= MAX_POSITIONS_PER_LEXEME


def _text(piece: Piece, shift: int, weight: str) -> str:
    return " ".join(
        _quote(lexeme) + ":" + ",".join([f"{p + shift}{weight}" for p in positions])
        for lexeme, positions in piece.lexemes.items()
    )
