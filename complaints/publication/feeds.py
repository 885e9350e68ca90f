"""RSS and Atom feeds of published outcomes (masked snapshots only).

RSS <description> and Atom <summary type="html"> carry HTML: a reader decodes the XML once and
renders what is left. So the item text is escaped as HTML here (and then once more for XML by
the feed generator), with its line breaks as <p>/<br>: a `<script>` typed in a complaint
reaches the reader as the visible text "<script>", never as markup. Titles and categories are
plain text in both formats (the generator escapes them for XML).
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks

from .masking import strip_control_chars
from .selectors import outcome_list_public

FEED_ITEMS = 50


class OutcomeFeed(Feed):
    title = "办理结果公开"
    link = reverse_lazy("publication:list")
    description = "效能投诉办理结果（个人信息已脱敏）"

    def items(self):
        return outcome_list_public(limit=FEED_ITEMS)

    # defensively stripped again: outcomes published before the fix may hold control characters
    def item_title(self, item):
        return strip_control_chars(item.title)

    def item_description(self, item):
        parts = [item.summary]
        if item.answer:
            parts.append(f"答复：{item.answer}")
        return linebreaks(strip_control_chars("\n\n".join(parts)), autoescape=True)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.first_published_at or item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [strip_control_chars(c) for c in (item.department_name, item.category_name) if c]


class OutcomeAtomFeed(OutcomeFeed):
    feed_type = Atom1Feed
    subtitle = OutcomeFeed.description
