"""Read rendered pages the way a visitor's browser would, without depending on markup details."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    lang: str  # the language in effect (inherited from ancestors)
    parent: "Node | None" = None
    children: list["Node | str"] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text for child in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, "")
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        node = Node(tag, attributes, attributes.get("lang", self.current.lang), parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.current = self.current.parent

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


class Page:
    """A parsed HTML response."""

    def __init__(self, content: bytes | str):
        builder = _TreeBuilder()
        builder.feed(content.decode() if isinstance(content, bytes) else content)
        self.root = builder.root

    @property
    def nodes(self):
        return list(self.root.iter())

    def find_all(self, tag: str, **attrs) -> list[Node]:
        return [
            node
            for node in self.nodes
            if node.tag == tag and all(node.attrs.get(name.rstrip("_")) == value for name, value in attrs.items())
        ]

    @property
    def html_lang(self) -> str:
        return self.find_all("html")[0].attrs.get("lang", "")

    @property
    def text(self) -> str:
        return " ".join(self.root.text.split())

    def h1s(self) -> list[str]:
        return [" ".join(node.text.split()) for node in self.find_all("h1")]

    def links(self) -> dict[str, Node]:
        return {node.attrs["href"]: node for node in self.find_all("a") if "href" in node.attrs}

    def lang_of(self, text: str) -> str:
        """The language in effect on the innermost element whose text contains ``text``."""
        found = [node for node in self.nodes if text in " ".join(node.text.split())]
        if not found:
            raise AssertionError(f"{text!r} is not on the page")
        # Among elements with the same text, the deepest (last in document order) is the innermost.
        return min(reversed(found), key=lambda node: len(node.text)).lang
