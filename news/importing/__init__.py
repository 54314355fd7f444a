"""Front-matter Markdown files to articles.

The files are those of VuePress/VitePress community sites (openEuler): YAML
front matter, a Markdown body, a folder per language (``zh/``, ``en/``),
images beside the file or in the site's public folder. ``import_paths``
(``run.py``) reads them, pairs the languages of one article, and creates or
updates articles, each in its own savepoint; it returns a ``Report``. The
``import_news`` and ``load_demo`` commands and the admin upload are thin
layers over it.

Re-import finds an article by the path of its file under its language folder
(``ArticleSource``), skips files whose content did not change, and refuses to
overwrite an article edited in the admin since its import unless forced.
"""

from news.importing.frontmatter import parse_date
from news.importing.report import Problem, Report
from news.importing.run import import_paths
from news.importing.sources import read_pairs

__all__ = ["Problem", "Report", "import_paths", "parse_date", "read_pairs"]
