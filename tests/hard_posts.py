"""Posts written the way real sites write them, for the reader's fidelity tests and snapshots:
a VitePress page (`<script setup>`, containers, `{#id}` headings), a Hugo page (shortcodes
around TOML), a Rust-blog-like page (HTML blocks, footnotes, a GitHub alert), a Jekyll post
(Liquid tags), an MkDocs page (admonitions), a wide table, and a feed-bot HTML body."""

from __future__ import annotations

from pathlib import Path

VITEPRESS = """---
title: 表单输入绑定
---

<script setup>
import { ref } from 'vue'
const message = ref('')
</script>

# 表单输入绑定 {#form-input-bindings}

在前端处理表单时，我们常常需要将表单输入框的内容同步给 JavaScript 中相应的变量。手动连接值绑定和更改事件监听器可能会很麻烦。

::: tip 前提条件
`v-model` 会忽略任何表单元素上初始的 `value`、`checked` 或 `selected` attribute。它将始终将当前绑定的 JavaScript 状态视为数据的正确来源。
:::

## 基本用法 {#basic-usage}

<div class="demo">
  <p>Message is: {{ message }}</p>
  <input v-model="message" placeholder="edit me" />
</div>

```vue-html
<input v-model="text">
```

::: warning 注意
对于需要使用 IME 的语言（中文，日文和韩文等），你会发现 `v-model` 不会在 IME 输入还在拼字阶段时触发更新。
:::

::: details 点击展开
展开后的**内容**。
:::

[[TOC]]
"""

HUGO = """---
title: Configure Hugo
linkTitle: Configuration
---

Create a site configuration file in the root of your project directory.

{{< code-toggle file=hugo >}}
baseURL = 'https://example.org/'
title = 'My New Hugo Site'
# comment lines stay comments
[params]
  subtitle = 'Hugo is Absurdly Fast!'
{{< /code-toggle >}}

{{% alert title="Note" color="warning" %}}
The **alert** body is Markdown.
{{% /alert %}}

See the [configuration reference]({{< relref "configuration/all" >}}) and {{< param "version" >}}.

{{< figure src="/images/hugo.png" caption="The logo" >}}
"""

RUST_BLOG = """+++
path = "2024/08/12/project-goals"
title = "Project goals for 2024H2"
authors = ["Goal Team"]
+++

We are launching a new program.[^program]

<div class="goal-card">
<h3>Bring the async Rust experience closer to parity</h3>
<p>Ship <b>async closures</b> and <code>Send</code> bounds.</p>
</div>

<details>
<summary>Why these goals?</summary>

They were chosen by the **teams** themselves.

</details>

<img src="https://example.org/goals.png" alt="A chart of the goals by team">

> [!NOTE]
> Goals can change during the period.

Read more in the RFC[^rfc] and <ScrimbaLink href="https://example.org/learn">interactive lesson</ScrimbaLink>.

[^program]: The program runs every six months.
[^rfc]: RFC 3614, *Project Goals*.
"""

JEKYLL = """---
title: Jekyll 4.3 released
date: 2022-10-20 10:00:00 +0000
---

{% highlight ruby %}
def greet
  puts "hello"
end
{% endhighlight %}

{% note info %}
A Hexo **note** tag.
{% endnote %}

{% comment %}
Not on the page.
{% endcomment %}

Use {% raw %}`{{ page.title }}`{% endraw %} in a layout.

- Fix globs ([#9762]({{ site.repository }}/issues/9762)), see [the changelog]({% link _docs/history.md %}#v4).
- Read [about gems]({{ '/docs/ruby-101/#gems' | relative_url }}) and [the last post]({% post_url 2010-07-21-name %}).
"""

MKDOCS = """# Admonitions

!!! note "Phasellus posuere"
    Lorem ipsum dolor sit amet, consectetur adipiscing elit.

    A second paragraph of the note.

!!! warning
    A warning without a title.

Term
:   Its definition.

- [x] done task
- [ ] open task

1. first
2. second
"""

WIDE_TABLE = """---
title: A wide table
---

| 名称 | 描述 | 地址 | 状态 | 备注 |
|---|:-:|---|---|---|
| 甲 | 这是一个很长很长很长很长很长很长的描述文字需要换行才能显示完全 | https://example.com/a/very/long/path/to/a/page | 正常 | 第一行备注 |
| 乙 | 短 | https://example.com/b | 暂停 | 第二行的备注也很长很长很长 |
"""

FEED_HTML = """---
title: 信用建设
date: 2021-12-05 10:00:00
---

<div>
<p>第一段<br><br>第二段，<strong>重要提示。</strong>在这里</p>
<blockquote>引用的话</blockquote>回复的一行
<p>一行<br></p>
<ol><li>第一</li><li>第二</li></ol>
<ul><li>[x] 已完成</li></ul>
<button>赞赏</button>
</div>
"""

HARD_POSTS = {
    "docs-cn/guide/forms.md": VITEPRESS,
    "docsy/content/en/docs/config.md": HUGO,
    "blog/content/2024-08-12-project-goals/index.md": RUST_BLOG,
    "jekyll/_posts/2022-10-20-jekyll-4-3.md": JEKYLL,
    "mkdocs/docs/admonitions.md": MKDOCS,
    "tables/wide.md": WIDE_TABLE,
    "feed/信用建设.md": FEED_HTML,
}


def write_hard_posts(root: Path, names: tuple[str, ...] | None = None) -> dict[str, Path]:
    """Write the posts (all, or those whose path contains one of `names`) under `root`."""
    written = {}
    for relative, text in HARD_POSTS.items():
        if names is not None and not any(name in relative for name in names):
            continue
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written[relative] = path
    return written
