<?xml version="1.0" encoding="UTF-8"?>
<!-- TEI P5 (teikit seed form and the FRUS publisher's dialect) to Typst markup.

     What a gap, a page break or a note *means* is decided in ../common/labels.xsl; this
     stylesheet only decides how Typst sets it. Every text node goes through tkp:esc() (markup)
     or tkp:str() (a Typst string literal), so no character of the source can become markup.

     Layout: title page from the header/params, its verso with the imprint, a table of contents
     built from labels when there is more than one document, then the documents run on. A
     document starts with a styled paragraph (never a Typst heading: footnotes in headings drift)
     preceded by a zero-size heading that only feeds the PDF bookmarks. Notes are Typst footnotes
     numbered by their @n. Page breaks of the printed edition are margin markers. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:frus="http://history.state.gov/frus/ns/1.0"
    xmlns:tk="urn:teikit" xmlns:tkp="urn:teikit:pdf" xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    exclude-result-prefixes="#all">

  <xsl:import href="../common/labels.xsl"/>
  <xsl:import href="../common/params.xsl"/>

  <xsl:output method="text" encoding="UTF-8"/>

  <!-- Containers whose whitespace is layout, never text. -->
  <xsl:strip-space elements="tei:TEI tei:teiCorpus tei:teiHeader tei:text tei:front tei:body tei:back
      tei:div tei:list tei:listBibl tei:table tei:row tei:opener tei:closer tei:lg tei:figure
      frus:attachment"/>

  <xsl:key name="id" match="*[@xml:id]" use="@xml:id"/>
  <xsl:key name="ref-targets" match="tei:ref | tei:ptr"
      use="tokenize(normalize-space(@target), ' ')[starts-with(., '#')] ! substring(., 2)"/>

  <!-- The persons of the volume's list of persons (FRUS front matter, or a TEI listPerson):
       when there are any, mentions (persName/@corresp) feed an index of persons at the end. -->
  <xsl:variable name="persons" as="element()*"
      select="//tei:div[@xml:id = 'persons']//tei:persName[@xml:id] | //tei:listPerson//tei:person[@xml:id]"/>

  <xsl:function name="tkp:is-person" as="xs:boolean">
    <xsl:param name="el" as="element()*"/>
    <xsl:sequence select="exists($el[self::tei:persName[ancestor::tei:div[@xml:id = 'persons']] or self::tei:person[ancestor::tei:listPerson]])"/>
  </xsl:function>

  <!-- An element that a local ref points at and that can carry a unique Typst label. -->
  <xsl:function name="tkp:ref-target" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="exists($el/@xml:id) and count(key('id', $el/@xml:id, root($el))) eq 1
        and exists(key('ref-targets', $el/@xml:id, root($el)))"/>
  </xsl:function>

  <xsl:variable name="NL" select="'&#10;'"/>
  <xsl:variable name="PARA" select="'&#10;&#10;'"/>

  <!-- ===================================================================================
       Escaping
       =================================================================================== -->

  <!-- Markup text: backslash-escape every character Typst markup could read as syntax
       (including '-' '.' '=' '+' so "1. ", "- ", "= " never start lists or headings, double hyphens and
       "..." are no shorthands, "-1" keeps its hyphen, quotes stay as written, and "(" after a
       function call never becomes its arguments).
       Runs of XML whitespace become one space: a blank line would start a new paragraph.
       The ';j' flag selects the Java regex engine: same results here, six times faster than
       Saxon's own on a 1,000-document volume (15 s against 2.5 s). -->
  <xsl:function name="tkp:esc" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:sequence select="replace(replace($s, '\s+', ' ', ';j'),
        '([\\#$*_`&lt;&gt;@\[\]~/=+\-.''&quot;:(])', '\\$1', ';j')"/>
  </xsl:function>

  <!-- A Typst string literal: "..." with backslash and double quote escaped. -->
  <xsl:function name="tkp:str" as="xs:string">
    <xsl:param name="s" as="xs:string?"/>
    <xsl:sequence select="'&quot;' || replace(replace(normalize-space(string($s)), '\\', '\\\\', ';j'), '&quot;', '\\&quot;', ';j') || '&quot;'"/>
  </xsl:function>

  <!-- ===================================================================================
       Metadata: params first, teiHeader when a param is empty
       =================================================================================== -->

  <xsl:variable name="header" select="(//tei:teiHeader)[1]"/>
  <xsl:variable name="titleStmt" select="$header/tei:fileDesc/tei:titleStmt"/>
  <xsl:variable name="documents" select="//tei:div[@type = 'document']"/>

  <!-- Heads keep with what follows (sticky), unless they hold a footnote (see doc-start). -->
  <xsl:function name="tkp:sticky" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="if ($el//tei:note[tk:is-footnote(.)]) then 'false' else 'true'"/>
  </xsl:function>

  <xsl:function name="tkp:first" as="xs:string">
    <xsl:param name="candidates" as="item()*"/>
    <xsl:sequence select="((for $c in $candidates return normalize-space(string($c)))[. ne ''], '')[1]"/>
  </xsl:function>

  <xsl:variable name="m-series" select="tkp:first((
      $series,
      string-join(($titleStmt/tei:title[@type = 'series'], $titleStmt/tei:title[@type = 'sub-series'])
                  ! normalize-space(), ', ')))"/>
  <xsl:variable name="m-volume" select="tkp:first((
      $volume-title,
      string-join(($titleStmt/tei:title[@type = 'volume-number'], $titleStmt/tei:title[@type = 'volume'])
                  ! normalize-space(), ', '),
      $titleStmt/tei:title[@type = 'complete'],
      $titleStmt/tei:title[not(@type) or @type = 'main'][not($documents)]))"/>
  <xsl:variable name="m-editors" as="xs:string*" select="
      if (normalize-space($editors)) then tokenize($editors, ';') ! normalize-space()[. ne '']
      else ($titleStmt/tei:editor[not(@role = 'general')], $titleStmt/tei:author) ! normalize-space()[. ne '']"/>
  <xsl:variable name="m-general" select="tkp:first($titleStmt/tei:editor[@role = 'general'])"/>
  <xsl:variable name="m-publisher" select="tkp:first(($publisher, $header/tei:fileDesc/tei:publicationStmt/tei:publisher))"/>
  <xsl:variable name="m-place" select="tkp:first($header/tei:fileDesc/tei:publicationStmt/tei:pubPlace)"/>
  <xsl:variable name="m-year" select="tkp:first(($publication-year,
      $header/tei:fileDesc/tei:publicationStmt/tei:date[not(@type) or @type = 'publication-date']))"/>
  <xsl:variable name="m-availability" select="tkp:first($header/tei:fileDesc/tei:publicationStmt/tei:availability)"/>

  <!-- The running head of a document: its number and title, shortened at a word. -->
  <xsl:function name="tkp:running" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="heading" select="if ($el/self::tei:div) then tk:doc-heading($el) else tkp:body-title($el)"/>
    <xsl:sequence select="if (string-length($heading) gt 75)
        then replace(substring($heading, 1, 75), '\s+\S*$', '', ';j') || ' …' else $heading"/>
  </xsl:function>

  <!-- The title of a TEI file without document divisions: it is set as one document. -->
  <xsl:function name="tkp:body-title" as="xs:string">
    <xsl:param name="body" as="element()"/>
    <xsl:sequence select="tkp:first(($body/ancestor::tei:TEI[1]/tei:teiHeader//tei:titleStmt/tei:title[@type = 'main'],
        $body/ancestor::tei:TEI[1]/tei:teiHeader//tei:titleStmt/tei:title, 'Untitled'))"/>
  </xsl:function>

  <!-- Every element that starts a document in the PDF (and steps the document counter). -->
  <xsl:variable name="doc-starts" as="element()*"
      select="//tei:div[@type = 'document'] | //tei:TEI[not(.//tei:div[@type = 'document'])]/tei:text/tei:body"/>

  <!-- Chapters: headed divisions holding documents (they have a line in the contents). -->
  <xsl:variable name="sections" select="//tei:div[tei:head][.//tei:div[@type = 'document']][not(@type = 'document')]"/>

  <xsl:variable name="m-title" select="
      if (count($documents) eq 1) then tk:doc-heading($documents)
      else tkp:first(($m-volume, $titleStmt/tei:title))"/>

  <!-- A node's identity, the same in every run over the same tree: Saxon's generate-id()
       without the number it gives the document in each run ("d7e73" → "e73"), so that the
       pieces of a volume written by separate runs name the same things alike. -->
  <xsl:function name="tkp:node-id" as="xs:string">
    <xsl:param name="el" as="node()"/>
    <xsl:sequence select="replace(generate-id($el), '^d\d+', '', ';j')"/>
  </xsl:function>

  <!-- A label that occurs once in the output: the xml:id when unique, else made unique. -->
  <xsl:function name="tkp:label" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="id" select="string($el/@xml:id)"/>
    <xsl:sequence select="
      if ($id ne '' and count(key('id', $id, root($el))) eq 1) then $id
      else ($id[. ne ''], 'tk')[1] || '-' || tkp:node-id($el)"/>
  </xsl:function>

  <!-- ===================================================================================
       Page size and the Typst preamble
       =================================================================================== -->

  <xsl:variable name="small-paper" select="$paper = ('us-trade', 'a5', 'iso-b5')"/>

  <!-- The markup is made of pieces: the preamble, the front matter, the body parts (see
       $cuts) and the back matter. $pdf-piece selects one ('preamble', 'front', 'back', or a
       body part's number), so that the parts of a long volume can be typeset while the next
       is being written; '' makes them all, one after another: the same text. -->
  <xsl:template match="/">
    <xsl:if test="$pdf-piece = ('', 'preamble')">
      <xsl:call-template name="preamble"/>
    </xsl:if>
    <xsl:if test="$pdf-piece = ('', 'front')">
      <xsl:text>&#10;// tk-front&#10;</xsl:text>
      <xsl:call-template name="title-page"/>
      <xsl:if test="count($documents) gt 1">
        <xsl:call-template name="contents"/>
      </xsl:if>
    </xsl:if>
    <xsl:if test="$pdf-piece = ('', '1')">
      <xsl:text>&#10;// tk-part 0 0&#10;</xsl:text>
      <xsl:text>#pagebreak(to: "odd", weak: true)&#10;#metadata("body") &lt;tk-body&gt;&#10;&#10;</xsl:text>
    </xsl:if>
    <xsl:if test="not($pdf-piece = ('preamble', 'front', 'back'))">
      <xsl:apply-templates select="/*"/>
    </xsl:if>
    <xsl:if test="$pdf-piece = ('', 'back')">
      <xsl:call-template name="index-of-persons"/>
    </xsl:if>
  </xsl:template>

  <xsl:template name="preamble">
    <xsl:text>// Generated by teikit</xsl:text>
    <xsl:value-of select="if ($teikit-version) then ' ' || $teikit-version else ''"/>
    <xsl:text> from TEI P5 (xslt/pdf/typst.xsl). Edit the TEI, not this file.&#10;</xsl:text>
    <xsl:text>#set document(title: </xsl:text>
    <xsl:value-of select="tkp:str($m-title)"/>
    <xsl:text>, author: (</xsl:text>
    <xsl:value-of select="string-join($m-editors ! tkp:str(.), ', ')"/>
    <xsl:value-of select="if (count($m-editors) eq 1) then ',' else ''"/>
    <xsl:text>), date: none)&#10;</xsl:text>
    <xsl:text>#let paper = </xsl:text><xsl:value-of select="tkp:str($paper)"/><xsl:text>&#10;</xsl:text>
    <xsl:text>#let running-volume = </xsl:text><xsl:value-of select="tkp:str($m-volume)"/><xsl:text>&#10;</xsl:text>
    <xsl:text>#let base-size = </xsl:text><xsl:value-of select="if ($small-paper) then '10pt' else '11pt'"/><xsl:text>&#10;</xsl:text>
    <!-- The documents in order: their labels and running heads, for the page header. -->
    <xsl:text>#let doc-ids = (</xsl:text>
    <xsl:value-of select="string-join($doc-starts ! tkp:str(tkp:label(.)), ', ')"/>
    <xsl:value-of select="if (count($doc-starts) eq 1) then ',' else ''"/>
    <xsl:text>)&#10;#let doc-running = (</xsl:text>
    <xsl:value-of select="string-join($doc-starts ! tkp:str(tkp:running(.)), ', ')"/>
    <xsl:value-of select="if (count($doc-starts) eq 1) then ',' else ''"/>
    <xsl:text>)&#10;</xsl:text>
    <!-- Every label a link may point at (documents, chapters, referenced notes and pages): where
         each landed is asked of every part, for links between parts. -->
    <xsl:variable name="anchors" select="distinct-values((
        ($doc-starts, $sections) ! tkp:label(.),
        //*[@xml:id][tkp:ref-target(.)][tkp:label(.) eq @xml:id] ! string(@xml:id)))"/>
    <xsl:text>#let tk-anchor-names = (</xsl:text>
    <xsl:value-of select="string-join($anchors ! tkp:str(.), ', ')"/>
    <xsl:value-of select="if (count($anchors) eq 1) then ',' else ''"/>
    <xsl:text>)&#10;</xsl:text>
    <xsl:text><![CDATA[
// Margins: the outer one holds the page markers of the printed edition.
// Pages are numbered from the first page of the documents (the front matter is unnumbered).
// Nothing here asks Typst for all documents on every page (that made a 1,000-document
// volume take minutes and gigabytes): the running head counts the documents begun before
// the page (tk-docs) and looks up one label, that of the next document, to see whether it
// begins on this page.
#let m-inside = if paper in ("us-trade", "a5", "iso-b5") { 0.7in } else { 1.1in }
#let m-outside = if paper in ("us-trade", "a5", "iso-b5") { 1.2in } else { 1.8in }
#let m-bottom = 0.9in
#let marker-gap = 0.18in
#let tk-docs = counter("tk-docs")
// A long volume is typeset in parts, each by its own Typst process (teikit.writers.pdf_parts):
// a part is told which documents and page breaks precede it (tk-docs-before, tk-pbs-before);
// the page numbers of its headers are stamped on afterwards (tk-part: "body", and
// number-pages for the stamp); links to labels of other parts become placeholders the
// merge resolves (teikit-label:NAME), and the contents and the index read their page numbers
// from tk-anchors and tk-marks. Without tk-part the whole volume is one run, as here.
#let tk-part = sys.inputs.at("tk-part", default: none)
#let tk-docs-before = int(sys.inputs.at("tk-docs-before", default: "0"))
#let tk-pbs-before = int(sys.inputs.at("tk-pbs-before", default: "0"))
#let tk-anchors = json(bytes(sys.inputs.at("tk-anchors", default: "{}")))
#let tk-marks = json(bytes(sys.inputs.at("tk-marks", default: "[]")))
// The body's first page (one label lookup); pages before it have no header. A part without
// the label is body from its first page.
#let body-page() = { let b = query(<tk-body>); if b.len() == 0 { 1 } else { b.first().location().page() } }
#let page-no(loc) = str(loc.page() - body-page() + 1)
// A link to a label: a Typst link when the label is typeset in the same run, else a placeholder.
#let tk-link(target, body) = if tk-part == none { link(target, body) } else if tk-part == "front" {
  link("teikit-label:" + str(target), body)           // the front matter holds no link targets
} else {
  context if query(target).len() > 0 { link(target, body) } else { link("teikit-label:" + str(target), body) }
}
// The printed page number of a label, for the contents.
#let tk-page-of(target) = if tk-part == none { context page-no(locate(target)) } else {
  tk-anchors.at(str(target), default: (page: "")).page
}
#set text(font: "Libertinus Serif", size: base-size, lang: "en", region: "us", hyphenate: true)
#set par(justify: true, leading: 0.62em, spacing: 0.62em, first-line-indent: (amount: 1.5em, all: true))
// Orphans (a paragraph's first line alone at a page foot) are allowed: Typst's orphan control
// moves a line to the next page after it has already placed the line's footnote, which left
// 7 of the benchmark volume's 3,950 notes a page before their call. Widows stay controlled.
#set text(costs: (orphan: 0%))
#set footnote.entry(gap: 0.5em, clearance: 1.2em)
#show footnote.entry: set par(first-line-indent: 0pt)
#show footnote.entry: set text(size: 0.85em)
#set list(indent: 1.5em, body-indent: 0.6em, spacing: 0.62em)
#set enum(indent: 1.5em, body-indent: 0.6em, spacing: 0.62em)
#show heading: none

// The call and the note's number are drawn here, as Typst draws them but without the links
// between call and note: Typst's own marks read the footnote counter and link through the
// layout, so every paragraph holding a call was laid out again once the layout was known
// (the benchmark volume's Typst time fell by a sixth without them).
#show footnote: it => super((it.numbering)(0))
#show footnote.entry: it => [#h(it.indent)#super((it.note.numbering)(0))#h(0.05em, weak: true)#it.note.body]

// A note numbered as printed (@n), never by a running counter.
// Each call and each note text carry a metadata mark with the same key, so the writer can
// check after typesetting that every note starts on the page of its call (tk-fn-call,
// tk-fn-text); marks take no space.
#let note(n, key, id: none, body) = {
  let fn = footnote(numbering: _ => n, [#metadata(key)<tk-fn-text>#body])
  [#metadata(key)<tk-fn-call>#(if id == none { fn } else [#fn#label(id)])]
}

// "[Page 1149]" in the outer margin, on the line where the page break stands. In the text a
// break is only a mark (metadata labelled tk-pb-N, N counting the breaks); the page's
// foreground sets the labels of the marks on the page, from the last one (tk-pbs counts the
// marks up to the end of the page) back to the first. The text itself asks nothing of the
// layout, so its paragraphs are laid out once, and in parallel page runs.
#let tk-pbs = counter("tk-pbs")
#let pb(n, label-text) = [#tk-pbs.step()#metadata(label-text)#label("tk-pb-" + str(n))]
#let margin-text(label-text) = text(size: 0.72em, style: "normal", weight: "regular", hyphenate: false)[\[#label-text\]]
#let page-markers = context {
  let p = here().page()
  let i = tk-pbs.get().first() + tk-pbs-before
  let marks = ()
  while i > 0 {
    let found = query(label("tk-pb-" + str(i)))
    if found.len() == 0 { break }
    let pos = found.first().location().position()
    if pos.page != p { break }
    marks.push((pos.y, found.first().value))
    i -= 1
  }
  for (y, label-text) in marks.rev() {    // in reading order
    let m = margin-text(label-text)
    let x = if calc.odd(p) { page.width - m-outside + marker-gap } else { m-outside - marker-gap - measure(m).width }
    place(top + left, dx: x, dy: y - 0.7em, m)
  }
}

// The page number at the outer edge, the running head centred between. The number stands
// alone, on the header's last line (the header stands on the margin's foot), so that a
// part's numbers can be stamped on in the same place.
#let header-line(p, num, head) = {
  set text(size: 0.8em)
  set par(first-line-indent: 0pt, justify: false)
  grid(columns: (3em, 1fr, 3em),
    align(left + bottom, if calc.even(p) { num }), align(center, head), align(right + bottom, if calc.odd(p) { num }))
}
#set page(
  paper: paper,
  margin: (inside: m-inside, outside: m-outside, top: 1in, bottom: m-bottom),
  header-ascent: 40%,
  foreground: page-markers,
  header: context {
    let p = here().page()
    if p < body-page() { return }
    // The blank verso before the index has neither head nor number.
    let end = query(<tk-body-end>)
    if end.len() > 0 and end.first().location().page() < p and p < locate(<tk-index>).page() { return }
    let num = if tk-part == none { page-no(here()) }
    let k = tk-docs.get().first() + tk-docs-before
    let starts-here(k) = { let d = query(label(doc-ids.at(k))); d.len() > 0 and d.first().location().page() == p }
    let cur = if k < doc-ids.len() and starts-here(k) { k } else { k - 1 }
    header-line(p, num, if calc.even(p) { emph(running-volume) } else if cur >= 0 { doc-running.at(cur) })
  },
)
// The stamp of page numbers for the parts (tk-part: "numbers"): page n holds the number n
// alone, where the header of page n puts it; no layout to ask, so 1,800 pages take half a second.
#let number-pages(count) = {
  set page(foreground: none)
  for n in range(1, count + 1) { page(header: header-line(n, str(n), none), []) }
}

// Footnote calls must stand in paragraphs of the page's own flow, not inside blocks: a
// block (a Typst heading, a sticky or nested block) that moves or ends at the page foot
// leaves its footnote on another page (typst/typst#5314, #5603, #6268). So everything that
// may hold a note is a styled paragraph. A document title is one unbreakable block (that kept
// every note in place on the benchmark volume) but not a sticky one (sticky titles left 70 of
// its notes behind). So that a title does not end a page, its block has room for a few lines
// of text below it, taken back after the block: a title that has no room for them moves to
// the next page. (An empty block of that height before the title, drawn over, left 50 notes
// behind; asking the layout for the remaining space, context { here().position() }, pushed
// the introspection of a volume to Typst's five-iteration limit.)
#let title-room = 4em

// The start of a document: a styled paragraph carrying the label, a zero-size heading for
// the PDF bookmarks, and the step of the document counter the running head reads.
#let doc-start(title, id, level: 1, body) = {
  v(2.4em, weak: true)
  set par(first-line-indent: 0pt, justify: false)
  set text(weight: "bold", size: 1.1em, hyphenate: false)
  block(breakable: false, width: 100%, inset: (bottom: title-room))[#par[#box(place(heading(level: level, outlined: false, bookmarked: true, numbering: none, title)))#tk-docs.step()#body] #label(id)]
  v(-title-room)
  v(1.1em, weak: true)
}
#let section-start(title, id, level: 1, sticky: true, body) = {
  v(2.4em, weak: true)
  set par(first-line-indent: 0pt, justify: false)
  set align(center)
  set text(weight: "bold", size: 1.25em, hyphenate: false)
  let p = [#par[#box(place(heading(level: level, outlined: false, bookmarked: true, numbering: none, title)))#body] #label(id)]
  if sticky { block(sticky: true, width: 100%, p) } else { p }
  v(1.2em, weak: true)
}
// A line that keeps with what follows: a sticky block when it holds no note, else a paragraph.
#let keep-line(sticky: true, body) = if sticky { block(sticky: true, width: 100%, body) } else { body }
#let subject(sticky: true, body) = {
  v(0.9em, weak: true)
  keep-line(sticky: sticky, { set par(first-line-indent: 0pt, justify: false); set align(center); emph(body) })
  v(0.9em, weak: true)
}
#let plain(body) = { set par(first-line-indent: 0pt); body }
#let right-line(body) = { set par(first-line-indent: 0pt, justify: false); set align(right); body }
#let center-line(body) = { set par(first-line-indent: 0pt, justify: false); set align(center); body }
// A block quotation is indented paragraphs, not an indented block: a footnote inside a block
// (pad) drifted to the next page in 4 of 3,950 notes of the benchmark volume.
#let block-quote(body) = { set par(hanging-indent: 1.5em); body }
#let labelled(label, body) = [#label#h(0.5em)#body]
#let gap-block(body) = { set par(first-line-indent: 0pt); body }
#let toc-entry(target, title) = block(width: 100%, above: 0.5em, breakable: false)[
  #set par(first-line-indent: 0pt, hanging-indent: 2em, justify: false)
  #tk-link(target, title) #box(width: 1fr, repeat[.#h(0.3em)]) #tk-link(target, tk-page-of(target))
]
#let toc-section(target, title) = block(width: 100%, above: 1.2em, below: 0.8em, sticky: true)[
  #set par(first-line-indent: 0pt, justify: false)
  #tk-link(target, strong(title)) #h(1fr) #tk-link(target, tk-page-of(target))
]
// The index of persons: each person with the pages of the marks (metadata ID, tk-i) their
// mentions left, gathered once; in a part, the marks of all parts come in tk-marks.
#let index-of-persons(entries) = context {
  let pages = (:)
  let marks = if tk-part == none {
    query(<tk-i>).map(m => (m.value, page-no(m.location()), m.location()))
  } else {
    tk-marks.map(m => (m.at(0), m.at(1), "teikit-mark:" + str(m.at(2))))
  }
  for (id, n, target) in marks {
    let seen = pages.at(id, default: ())
    if seen.all(x => x.at(0) != n) { pages.insert(id, seen + ((n, target),)) }
  }
  for (id, body) in entries {
    block(width: 100%, above: 0.35em)[
      #set par(first-line-indent: 0pt, hanging-indent: 1.5em, justify: false)
      #body#{
        let refs = pages.at(id, default: ()).map(((n, target)) => link(target, n))
        if refs.len() > 0 { [, ] + refs.join([, ]) }
      }
    ]
  }
}
]]></xsl:text>
  </xsl:template>

  <xsl:template name="title-page">
    <xsl:text>#page(header: none, footer: none, numbering: none, margin: (x: 1in, top: 1in, bottom: 1in))[&#10;#set align(center)&#10;#set par(first-line-indent: 0pt, justify: false)&#10;#v(1.6in)&#10;</xsl:text>
    <xsl:if test="$m-series">
      <xsl:text>#text(size: 1.3em)[</xsl:text><xsl:value-of select="tkp:esc($m-series)"/><xsl:text>]&#10;&#10;#v(1.2em)&#10;</xsl:text>
    </xsl:if>
    <xsl:if test="$m-volume">
      <xsl:text>#text(size: 1.8em, weight: "bold")[</xsl:text><xsl:value-of select="tkp:esc($m-volume)"/><xsl:text>]&#10;&#10;</xsl:text>
    </xsl:if>
    <xsl:if test="count($documents) eq 1">
      <xsl:text>#v(1.5em)&#10;#text(size: 1.2em)[</xsl:text>
      <xsl:value-of select="tkp:esc(if (tk:doc-number($documents) ne '') then 'Document ' || tk:doc-number($documents) else tk:doc-title($documents))"/>
      <xsl:text>]&#10;&#10;</xsl:text>
    </xsl:if>
    <xsl:if test="exists($m-editors)">
      <xsl:text>#v(3em)&#10;</xsl:text>
      <xsl:value-of select="tkp:esc(if (count($m-editors) gt 1) then 'Editors' else 'Editor')"/>
      <xsl:text>&#10;&#10;#text(size: 1.2em)[</xsl:text>
      <xsl:value-of select="string-join($m-editors ! tkp:esc(.), ' \ ')"/>
      <xsl:text>]&#10;&#10;</xsl:text>
    </xsl:if>
    <xsl:if test="$m-general">
      <xsl:text>#v(1.5em)&#10;General Editor&#10;&#10;#text(size: 1.2em)[</xsl:text>
      <xsl:value-of select="tkp:esc($m-general)"/>
      <xsl:text>]&#10;&#10;</xsl:text>
    </xsl:if>
    <xsl:text>#v(1fr)&#10;</xsl:text>
    <xsl:if test="$m-publisher">
      <xsl:value-of select="tkp:esc($m-publisher)"/><xsl:text>&#10;&#10;</xsl:text>
    </xsl:if>
    <xsl:if test="$m-place or $m-year">
      <xsl:value-of select="tkp:esc(string-join(($m-place, $m-year)[. ne ''], ' '))"/><xsl:text>&#10;&#10;</xsl:text>
    </xsl:if>
    <xsl:text>]&#10;</xsl:text>
    <!-- Verso: the imprint. -->
    <xsl:text>#page(header: none, footer: none, numbering: none)[&#10;#set par(first-line-indent: 0pt, justify: false)&#10;#set text(size: 0.85em)&#10;#v(1fr)&#10;</xsl:text>
    <xsl:if test="$m-availability">
      <xsl:value-of select="tkp:esc($m-availability)"/><xsl:text>&#10;&#10;</xsl:text>
    </xsl:if>
    <xsl:text>Typeset from TEI P5 by teikit</xsl:text>
    <xsl:value-of select="if ($teikit-version) then ' ' || tkp:esc($teikit-version) else ''"/>
    <xsl:text> with Typst. Bracketed page numbers in the margin are those of the printed edition.&#10;]&#10;</xsl:text>
  </xsl:template>

  <!-- The index of persons: each person of the list with the pages that mention them. -->
  <xsl:template name="index-of-persons">
    <xsl:if test="exists($persons)">
      <xsl:value-of select="'&#10;// tk-back ' || count($doc-starts) || ' ' || count(//tei:pb[@n]) || '&#10;'"/>
      <xsl:text>#metadata(none) &lt;tk-body-end&gt;&#10;#pagebreak(to: "odd", weak: true)&#10;#section-start("Index of Persons", "tk-index")[Index of Persons]&#10;&#10;</xsl:text>
      <xsl:text>#index-of-persons((&#10;</xsl:text>
      <xsl:for-each select="$persons">
        <xsl:text>  (</xsl:text>
        <xsl:value-of select="tkp:str(@xml:id)"/>
        <xsl:text>, [</xsl:text>
        <xsl:value-of select="tkp:esc(replace(normalize-space(if (self::tei:person) then (tei:persName, .)[1] else .), '[,;]\s*$', '', ';j'))"/>
        <xsl:text>]),&#10;</xsl:text>
      </xsl:for-each>
      <xsl:text>))&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <xsl:template name="contents">
    <xsl:text>#pagebreak(to: "odd", weak: true)&#10;#page(header: none, numbering: none)[&#10;#align(center, text(weight: "bold", size: 1.25em)[Contents])&#10;#v(1.5em)&#10;</xsl:text>
    <!-- Documents, and the chapters (headed divisions holding documents) they stand in. -->
    <xsl:for-each select="$documents | $sections">
      <xsl:choose>
        <xsl:when test="@type = 'document'">
          <xsl:text>#toc-entry(label(</xsl:text>
          <xsl:value-of select="tkp:str(tkp:label(.))"/>
          <xsl:text>), </xsl:text>
          <xsl:value-of select="tkp:str(tk:doc-heading(.))"/>
          <xsl:text>)&#10;</xsl:text>
        </xsl:when>
        <xsl:otherwise>
          <xsl:text>#toc-section(label(</xsl:text>
          <xsl:value-of select="tkp:str(tkp:label(.))"/>
          <xsl:text>), </xsl:text>
          <xsl:value-of select="tkp:str(string-join(tei:head[1]//text()[not(ancestor::tei:note)], ''))"/>
          <xsl:text>)&#10;</xsl:text>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
    <xsl:if test="exists($persons)">
      <xsl:text>#toc-section(label("tk-index"), "Index of Persons")&#10;</xsl:text>
    </xsl:if>
    <xsl:text>]&#10;</xsl:text>
  </xsl:template>

  <!-- ===================================================================================
       Structure
       =================================================================================== -->

  <xsl:template match="tei:teiHeader | tei:facsimile | tei:standOff"/>

  <xsl:template match="tei:teiCorpus | tei:TEI | tei:text | tei:front | tei:body | tei:back | tei:group">
    <xsl:apply-templates select="*"/>
  </xsl:template>

  <!-- A TEI file with no document divisions is one document titled by its header. -->
  <xsl:template match="tei:TEI[not(.//tei:div[@type = 'document'])]/tei:text/tei:body" priority="2">
    <xsl:variable name="title" select="tkp:body-title(.)"/>
    <xsl:call-template name="run-break"/>
    <xsl:text>#doc-start(</xsl:text>
    <xsl:value-of select="tkp:str($title) || ', ' || tkp:str(tkp:label(.))"/>
    <xsl:text>)[</xsl:text>
    <xsl:value-of select="tkp:esc($title)"/>
    <xsl:text>]&#10;&#10;</xsl:text>
    <xsl:apply-templates select="*"/>
  </xsl:template>

  <!-- Page runs and parts. Typst lays out the stretches between page breaks in parallel, so a
       long volume is cut into runs of about $pdf-run-chars characters of text; and into the
       parts that begin at the documents $pdf-part-starts names (their positions, 1-based),
       each typeset by a Typst process of its own (memory grows with the pages of one
       process: teikit.writers.pdf_parts). The document that opens a run starts a new page,
       one that opens a part a new right-hand page, as a chapter would; when it is the first
       document of a chapter (or of nested ones), the cut goes before the outermost such
       heading. A volume shorter than a run is one run: its documents simply follow one another.
       $cuts: generate-id of the element before which to cut → 'run' | 'part N' (N documents
       before it; counted here: the templates may see another copy of the tree, whitespace
       stripped, whose nodes do not compare with these, though their generate-id() agree). -->
  <xsl:variable name="part-starts" as="xs:integer*" select="tokenize($pdf-part-starts) ! xs:integer(.)"/>

  <xsl:variable name="cuts" as="map(xs:string, xs:string)">
    <xsl:map>
      <xsl:iterate select="$doc-starts">
        <xsl:param name="run" as="xs:integer" select="0"/>
        <xsl:variable name="len" select="string-length(.)"/>
        <xsl:variable name="doc" select="."/>
        <xsl:variable name="at" select="(ancestor::tei:div[tei:head][not(@type = 'document')]
            [(.//tei:div[@type = 'document'])[1] is $doc], .)[1]"/>
        <xsl:choose>
          <xsl:when test="position() = $part-starts[. gt 1]">
            <xsl:map-entry key="generate-id($at)" select="'part ' || position() - 1"/>
            <xsl:next-iteration><xsl:with-param name="run" select="$len"/></xsl:next-iteration>
          </xsl:when>
          <xsl:when test="$pdf-run-chars gt 0 and $run gt 0 and $run + $len gt $pdf-run-chars">
            <xsl:map-entry key="generate-id($at)" select="'run'"/>
            <xsl:next-iteration><xsl:with-param name="run" select="$len"/></xsl:next-iteration>
          </xsl:when>
          <xsl:otherwise>
            <xsl:next-iteration><xsl:with-param name="run" select="$run + $len"/></xsl:next-iteration>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:iterate>
    </xsl:map>
  </xsl:variable>

  <!-- The body part each document starts is in: generate-id → 1, 2, … -->
  <xsl:variable name="doc-parts" as="map(xs:string, xs:integer)">
    <xsl:map>
      <xsl:for-each select="$doc-starts">
        <xsl:variable name="n" select="position()"/>
        <xsl:map-entry key="generate-id(.)" select="1 + count($part-starts[. gt 1][. le $n])"/>
      </xsl:for-each>
    </xsl:map>
  </xsl:variable>

  <!-- In the piece being written: outside the documents, what stands before a document
       belongs to that document's part (a chapter's heading, a page break, front matter in the
       body), and what comes after the last one to the last part. -->
  <xsl:function name="tkp:in-piece" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="$pdf-piece = '' or $pdf-piece = string(tkp:part-at($el))"/>
  </xsl:function>

  <xsl:function name="tkp:part-at" as="xs:integer">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="next" select="($el/descendant-or-self::*[map:contains($doc-parts, generate-id(.))],
        $el/following::*[map:contains($doc-parts, generate-id(.))])[1]"/>
    <xsl:sequence select="if ($next) then $doc-parts(generate-id($next)) else 1 + count($part-starts[. gt 1])"/>
  </xsl:function>

  <!-- Elements outside the documents that the piece does not hold: nothing. Headed divisions
       holding documents are walked (their heading is checked by their template). -->
  <xsl:template match="*[$pdf-piece ne ''][parent::tei:body or parent::tei:front or parent::tei:back or parent::tei:group
      or parent::tei:text or parent::tei:div[not(ancestor-or-self::tei:div[@type = 'document'])]]
      [not(self::tei:div[not(@type = 'document')][.//tei:div[@type = 'document']])]
      [not((self::tei:front or self::tei:body or self::tei:back or self::tei:group) and not(map:contains($doc-parts, generate-id(.))))]
      [not(tkp:in-piece(.))]" priority="50"/>

  <!-- A part's marker line says how many documents and numbered page breaks precede it. -->
  <xsl:template name="run-break">
    <xsl:variable name="cut" select="$cuts(generate-id(.))"/>
    <xsl:choose>
      <xsl:when test="starts-with($cut, 'part ')">
        <xsl:value-of select="'&#10;// tk-' || $cut || ' ' || accumulator-before('tkp:pbs') || '&#10;'"/>
        <xsl:text>#pagebreak(to: "odd", weak: true)&#10;&#10;</xsl:text>
      </xsl:when>
      <xsl:when test="$cut = 'run'">
        <xsl:text>#pagebreak(weak: true)&#10;&#10;</xsl:text>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:div[@type = 'document']" priority="2">
    <xsl:variable name="head" select="tei:head[not(@type)][1]"/>
    <xsl:variable name="heading" select="tk:doc-heading(.)"/>
    <xsl:call-template name="run-break"/>
    <xsl:value-of select="$PARA"/>
    <xsl:text>#doc-start(</xsl:text>
    <xsl:value-of select="tkp:str($heading) || ', ' || tkp:str(tkp:label(.))"/>
    <xsl:text>, level: </xsl:text>
    <xsl:value-of select="1 + count(ancestor::tei:div[tei:head])"/>
    <xsl:text>)[</xsl:text>
    <xsl:call-template name="leading-pbs"/>
    <xsl:for-each select="$head">
      <xsl:call-template name="leading-pbs"/>
    </xsl:for-each>
    <xsl:if test="not(tk:head-has-number(.)) and tk:doc-number(.) ne ''">
      <xsl:value-of select="tkp:esc(tk:doc-number(.) || '. ')"/>
    </xsl:if>
    <xsl:apply-templates select="$head/node()"/>
    <xsl:text>]</xsl:text>
    <xsl:value-of select="$PARA"/>
    <xsl:apply-templates select="* except $head"/>
  </xsl:template>

  <!-- Chapters, compilations, front-matter sections of a volume. -->
  <xsl:template match="tei:div">
    <xsl:variable name="head" select="tei:head[1]"/>
    <xsl:if test="$head and tkp:in-piece(.)">
      <xsl:call-template name="run-break"/>
      <xsl:value-of select="$PARA"/>
      <xsl:text>#section-start(</xsl:text>
      <xsl:value-of select="tkp:str(string-join($head//text()[not(ancestor::tei:note)], '')) || ', ' || tkp:str(tkp:label(.))"/>
      <xsl:text>, sticky: </xsl:text>
      <xsl:value-of select="tkp:sticky($head)"/>
      <xsl:text>, level: </xsl:text>
      <xsl:value-of select="1 + count(ancestor::tei:div[tei:head])"/>
      <xsl:text>)[</xsl:text>
      <xsl:for-each select="$head"><xsl:call-template name="leading-pbs"/></xsl:for-each>
      <xsl:apply-templates select="$head/node()"/>
      <xsl:text>]</xsl:text>
      <xsl:value-of select="$PARA"/>
    </xsl:if>
    <xsl:apply-templates select="* except $head"/>
  </xsl:template>

  <xsl:template match="frus:attachment">
    <xsl:text>#v(1.2em)</xsl:text>
    <xsl:value-of select="$PARA"/>
    <xsl:apply-templates select="*"/>
  </xsl:template>

  <xsl:template match="tei:head[@type = 'subject']">
    <xsl:value-of select="'#subject(sticky: ' || tkp:sticky(.) || ')['"/>
    <xsl:call-template name="leading-pbs"/>
    <xsl:apply-templates/>
    <xsl:text>]</xsl:text>
    <xsl:value-of select="$PARA"/>
  </xsl:template>

  <!-- Other heads (of attachments, quotes, tables): a bold centred line. -->
  <xsl:template match="tei:head">
    <xsl:value-of select="'#keep-line(sticky: ' || tkp:sticky(.) || ')[#set par(first-line-indent: 0pt, justify: false); #set align(center); #strong['"/>
    <xsl:call-template name="leading-pbs"/>
    <xsl:apply-templates/>
    <xsl:text>])]</xsl:text>
    <xsl:value-of select="$PARA"/>
  </xsl:template>

  <!-- ===================================================================================
       Blocks
       =================================================================================== -->

  <xsl:template match="tei:p | tei:ab">
    <xsl:variable name="rend" select="string-join((@rend, @rendition), ' ')"/>
    <xsl:variable name="wrapper" select="
        if (matches($rend, 'center')) then 'center-line'
        else if (matches($rend, 'right')) then 'right-line'
        else if (matches($rend, 'sectiontitle')) then 'section-line'
        else if (matches($rend, 'flushleft|noindent')) then 'plain'
        else ''"/>
    <xsl:choose>
      <xsl:when test="$wrapper = 'section-line'">
        <xsl:value-of select="'#v(1.2em, weak: true)#keep-line(sticky: ' || tkp:sticky(.) || ')[#set par(first-line-indent: 0pt, justify: false); #emph['"/>
      </xsl:when>
      <xsl:when test="$wrapper">
        <xsl:value-of select="'#' || $wrapper || '['"/>
      </xsl:when>
    </xsl:choose>
    <xsl:call-template name="leading-pbs"/>
    <xsl:apply-templates/>
    <xsl:choose>
      <xsl:when test="$wrapper = 'section-line'">]]</xsl:when>
      <xsl:when test="$wrapper">]</xsl:when>
    </xsl:choose>
    <xsl:value-of select="$PARA"/>
  </xsl:template>

  <xsl:template match="tei:opener | tei:closer">
    <xsl:value-of select="$PARA"/>
    <xsl:for-each-group select="node()" group-adjacent="boolean(self::tei:dateline | self::tei:signed | self::tei:salute | self::tei:address | self::tei:p | self::tei:pb)">
      <xsl:choose>
        <xsl:when test="current-grouping-key()">
          <xsl:apply-templates select="current-group()"/>
        </xsl:when>
        <xsl:when test="normalize-space(string-join(current-group(), ''))">
          <xsl:text>#right-line[</xsl:text>
          <xsl:apply-templates select="current-group()"/>
          <xsl:text>]</xsl:text>
          <xsl:value-of select="$PARA"/>
        </xsl:when>
      </xsl:choose>
    </xsl:for-each-group>
  </xsl:template>

  <xsl:template match="tei:dateline">
    <xsl:text>#right-line[#emph[</xsl:text>
    <xsl:call-template name="leading-pbs"/>
    <xsl:apply-templates/>
    <xsl:text>]]</xsl:text>
    <xsl:value-of select="$PARA"/>
  </xsl:template>

  <xsl:template match="tei:signed">
    <xsl:text>#right-line[</xsl:text>
    <xsl:call-template name="leading-pbs"/>
    <xsl:apply-templates/>
    <xsl:text>]</xsl:text>
    <xsl:value-of select="$PARA"/>
  </xsl:template>

  <xsl:template match="tei:salute | tei:address | tei:byline | tei:docAuthor | tei:trailer | tei:postscript">
    <xsl:text>#plain[</xsl:text>
    <xsl:call-template name="leading-pbs"/>
    <xsl:apply-templates/>
    <xsl:text>]</xsl:text>
    <xsl:value-of select="$PARA"/>
  </xsl:template>

  <xsl:template match="tei:addrLine">
    <xsl:apply-templates/>
    <xsl:if test="following-sibling::tei:addrLine"> #linebreak() </xsl:if>
  </xsl:template>

  <!-- Quotations: a block when they hold blocks, otherwise inline words. -->
  <xsl:template match="tei:quote[tei:p | tei:list | tei:lg | tei:ab | tei:table] | tei:q[tei:p]">
    <xsl:value-of select="$PARA"/>
    <xsl:text>#block-quote[</xsl:text>
    <xsl:apply-templates select="*"/>
    <xsl:text>]</xsl:text>
    <xsl:value-of select="$PARA"/>
  </xsl:template>

  <xsl:template match="tei:lg">
    <xsl:text>#block-quote[#set par(first-line-indent: 0pt, justify: false); </xsl:text>
    <xsl:apply-templates select="*"/>
    <xsl:text>]</xsl:text>
    <xsl:value-of select="$PARA"/>
  </xsl:template>

  <xsl:template match="tei:l">
    <xsl:call-template name="leading-pbs"/>
    <xsl:apply-templates/>
    <xsl:text> #linebreak()&#10;</xsl:text>
  </xsl:template>

  <!-- Lists. Bulleted and numbered lists become Typst lists; FRUS's label/item pairs
       (numbered paragraphs) keep their printed labels; other lists (subject, participants)
       are plain lines under their head. -->
  <xsl:template match="tei:list[matches(string-join((@rend, @type), ' '), 'bullet')]" priority="2">
    <xsl:value-of select="$PARA"/>
    <xsl:call-template name="list-head"/>
    <xsl:text>#list(</xsl:text>
    <xsl:for-each select="tei:item">
      <xsl:text>[</xsl:text>
      <xsl:call-template name="leading-pbs"/>
      <xsl:apply-templates/>
      <xsl:text>], </xsl:text>
    </xsl:for-each>
    <xsl:text>)</xsl:text>
    <xsl:value-of select="$PARA"/>
    <xsl:call-template name="trailing-pbs"/>
  </xsl:template>

  <xsl:template match="tei:list[matches(string-join((@rend, @type), ' '), 'numbered|ordered|arabic')][not(tei:label)]" priority="2">
    <xsl:value-of select="$PARA"/>
    <xsl:call-template name="list-head"/>
    <xsl:text>#enum(</xsl:text>
    <xsl:for-each select="tei:item">
      <xsl:text>[</xsl:text>
      <xsl:call-template name="leading-pbs"/>
      <xsl:apply-templates/>
      <xsl:text>], </xsl:text>
    </xsl:for-each>
    <xsl:text>)</xsl:text>
    <xsl:value-of select="$PARA"/>
    <xsl:call-template name="trailing-pbs"/>
  </xsl:template>

  <xsl:template match="tei:list">
    <xsl:value-of select="$PARA"/>
    <xsl:call-template name="list-head"/>
    <xsl:for-each select="tei:item">
      <xsl:variable name="label" select="preceding-sibling::*[1][self::tei:label]"/>
      <xsl:choose>
        <xsl:when test="$label">
          <xsl:text>#labelled[</xsl:text>
          <xsl:for-each select="$label"><xsl:call-template name="leading-pbs"/></xsl:for-each>
          <xsl:apply-templates select="$label/node()"/>
          <xsl:text>][</xsl:text>
        </xsl:when>
        <xsl:otherwise>
          <xsl:text>#[#set par(first-line-indent: 0pt, hanging-indent: 1.5em); </xsl:text>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:call-template name="leading-pbs"/>
      <xsl:apply-templates/>
      <xsl:text>]</xsl:text>
      <xsl:value-of select="$PARA"/>
    </xsl:for-each>
    <xsl:call-template name="trailing-pbs"/>
  </xsl:template>

  <xsl:template name="list-head">
    <xsl:for-each select="tei:head">
      <xsl:value-of select="'#keep-line(sticky: ' || tkp:sticky(.) || ')[#set par(first-line-indent: 0pt); #strong['"/>
      <xsl:call-template name="leading-pbs"/>
      <xsl:apply-templates/>
      <xsl:text>]]</xsl:text>
      <xsl:value-of select="$PARA"/>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="tei:table">
    <xsl:value-of select="$PARA"/>
    <xsl:call-template name="list-head"/>
    <xsl:text>#table(columns: </xsl:text>
    <xsl:value-of select="max((tei:row ! sum(tei:cell ! (xs:integer((@cols[. castable as xs:integer], 1)[1]))), 1))"/>
    <xsl:text>, stroke: 0.4pt, inset: 4pt, align: left, </xsl:text>
    <xsl:for-each select="tei:row/tei:cell">
      <xsl:text>table.cell(colspan: </xsl:text>
      <xsl:value-of select="(@cols[. castable as xs:integer], 1)[1]"/>
      <xsl:text>)[#set par(first-line-indent: 0pt, justify: false); </xsl:text>
      <xsl:apply-templates/>
      <xsl:text>], </xsl:text>
    </xsl:for-each>
    <xsl:text>)</xsl:text>
    <xsl:value-of select="$PARA"/>
  </xsl:template>

  <xsl:template match="tei:figure">
    <xsl:value-of select="$PARA"/>
    <xsl:text>#center-line[</xsl:text>
    <xsl:value-of select="tkp:esc('[' || (normalize-space(string-join((tei:head, tei:figDesc), ' '))[. ne ''], 'Figure')[1] || ']')"/>
    <xsl:text>]</xsl:text>
    <xsl:value-of select="$PARA"/>
  </xsl:template>

  <!-- ===================================================================================
       Editorial signs
       =================================================================================== -->

  <!-- A redaction as printed: roman brackets around an italic phrase. -->
  <xsl:template match="tei:gap">
    <xsl:variable name="label" select="tk:gap-label(.)"/>
    <xsl:variable name="inner" select="if (tk:gap-italic(.)) then '#emph[' || tkp:esc($label) || ']' else tkp:esc($label)"/>
    <xsl:choose>
      <xsl:when test="tk:gap-is-block(.)">
        <xsl:value-of select="$PARA"/>
        <xsl:text>#gap-block[</xsl:text>
        <xsl:call-template name="leading-pbs"/>
        <xsl:value-of select="'\[' || $inner || '\]'"/>
        <xsl:text>]</xsl:text>
        <xsl:value-of select="$PARA"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="'\[' || $inner || '\]'"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Page breaks of the printed edition. Inside running text the marker goes on the line
       where the break stands; between blocks it is carried by the line-starting element that
       follows (paragraph, item, head, document), else set as a block marker. -->
  <xsl:function name="tkp:pb-between-blocks" as="xs:boolean">
    <xsl:param name="pb" as="element(tei:pb)"/>
    <xsl:sequence select="exists($pb/parent::*[self::tei:div or self::tei:body or self::tei:front or self::tei:back
        or self::tei:list or self::tei:lg or self::tei:opener or self::tei:closer or self::frus:attachment
        or self::tei:table or self::tei:text
        or (self::tei:quote and (tei:p or tei:list or tei:lg or tei:ab))])
        and not($pb/parent::*/text()[normalize-space()])"/>
  </xsl:function>

  <xsl:function name="tkp:line-starter" as="xs:boolean">
    <xsl:param name="el" as="element()?"/>
    <xsl:sequence select="exists($el[self::tei:p or self::tei:ab or self::tei:head or self::tei:item or self::tei:label
        or self::tei:dateline or self::tei:signed or self::tei:salute or self::tei:l
        or self::tei:div[@type = 'document']
        or self::tei:gap[tk:gap-is-block(.)]])
        and not($el/self::tei:item[preceding-sibling::*[1][self::tei:label]])"/>
  </xsl:function>

  <xsl:template match="tei:pb">
    <xsl:choose>
      <xsl:when test="not(@n)"/>
      <xsl:when test="not(tkp:pb-between-blocks(.))">
        <xsl:call-template name="inline-marker"/>
      </xsl:when>
      <xsl:when test="tkp:line-starter(following-sibling::*[not(self::tei:pb)][1])"/>
      <xsl:when test="parent::tei:list and not(following-sibling::tei:item)"/>
      <xsl:otherwise>
        <xsl:value-of select="$PARA"/>
        <xsl:call-template name="inline-marker"/>
        <xsl:value-of select="$PARA"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Page breaks are numbered 1, 2, … in document order: the label of their mark. -->
  <xsl:accumulator name="tkp:pbs" as="xs:integer" initial-value="0">
    <xsl:accumulator-rule match="tei:pb[@n]" select="$value + 1"/>
  </xsl:accumulator>
  <xsl:mode use-accumulators="tkp:pbs"/>

  <xsl:template name="inline-marker">
    <xsl:text>#pb(</xsl:text>
    <xsl:value-of select="accumulator-after('tkp:pbs') || ', ' || tkp:str(tk:pb-label(.))"/>
    <xsl:text>)</xsl:text>
    <xsl:if test="tkp:ref-target(.)">
      <xsl:value-of select="'#metadata(none)#label(' || tkp:str(@xml:id) || ')'"/>
    </xsl:if>
  </xsl:template>

  <!-- Markers of the page breaks standing just before this element, between blocks. -->
  <xsl:template name="leading-pbs">
    <xsl:variable name="self" select="."/>
    <xsl:variable name="prev" select="preceding-sibling::*[not(self::tei:pb)][1]"/>
    <xsl:for-each select="preceding-sibling::tei:pb[@n][empty($prev) or . >> $prev]">
      <xsl:if test="tkp:pb-between-blocks(.)">
        <xsl:call-template name="inline-marker"/>
      </xsl:if>
    </xsl:for-each>
  </xsl:template>

  <!-- Page breaks at the very end of a list belong before what follows the list. -->
  <xsl:template name="trailing-pbs">
    <xsl:for-each select="tei:pb[@n][not(following-sibling::tei:item)]">
      <xsl:call-template name="inline-marker"/>
      <xsl:value-of select="$PARA"/>
    </xsl:for-each>
  </xsl:template>

  <!-- Notes: footnotes numbered by @n (else by their place in the document). -->
  <xsl:template match="tei:note">
    <xsl:variable name="doc" select="ancestor::tei:div[@type = 'document'][1]"/>
    <xsl:variable name="label" select="tk:note-number(.)"/>
    <xsl:text>#note(</xsl:text>
    <xsl:value-of select="tkp:str($label) || ', ' || tkp:str(tkp:note-key(., $doc, $label))"/>
    <xsl:if test="tkp:ref-target(.)">
      <xsl:value-of select="', id: ' || tkp:str(@xml:id)"/>
    </xsl:if>
    <xsl:text>)[</xsl:text>
    <xsl:apply-templates/>
    <xsl:text>]</xsl:text>
  </xsl:template>

  <!-- The key of a note in the writer's check: "document label/number/position". -->
  <xsl:function name="tkp:note-key" as="xs:string">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:param name="doc" as="element()?"/>
    <xsl:param name="label" as="xs:string"/>
    <xsl:sequence select="string-join(((if ($doc) then tkp:label($doc) else ''), $label, tkp:node-id($note)), '/')"/>
  </xsl:function>

  <xsl:template match="tei:note[not(tk:is-footnote(.))]" priority="2">
    <xsl:choose>
      <xsl:when test="tkp:pb-between-blocks-like(.)">
        <xsl:text>#center-line[</xsl:text>
        <xsl:apply-templates/>
        <xsl:text>]</xsl:text>
        <xsl:value-of select="$PARA"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:apply-templates/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:function name="tkp:pb-between-blocks-like" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="exists($el/parent::*[self::tei:div or self::tei:body or self::frus:attachment])"/>
  </xsl:function>

  <!-- ===================================================================================
       Phrases
       =================================================================================== -->

  <xsl:template match="tei:hi">
    <xsl:variable name="r" select="string-join((@rend, @rendition), ' ')"/>
    <xsl:variable name="fn" select="
        if (matches($r, 'ital')) then 'emph'
        else if (matches($r, 'bold|strong')) then 'strong'
        else if (matches($r, 'roman|normal')) then 'text.with(style: &quot;normal&quot;)'
        else if (matches($r, 'smallcap|small-caps')) then 'smallcaps'
        else if (matches($r, 'sup')) then 'super'
        else if (matches($r, 'sub')) then 'sub'
        else if (matches($r, 'underline')) then 'underline'
        else if (matches($r, 'strike')) then 'strike'
        else ''"/>
    <xsl:choose>
      <xsl:when test="$fn">
        <xsl:value-of select="'#' || (if (contains($fn, '(')) then '(' || $fn || ')' else $fn) || '['"/>
        <xsl:apply-templates/>
        <xsl:text>]</xsl:text>
      </xsl:when>
      <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:emph | tei:foreign | tei:title[not(ancestor::tei:teiHeader)][@level = ('m', 'j', 's') or not(@level)] | tei:mentioned">
    <xsl:text>#emph[</xsl:text>
    <xsl:apply-templates/>
    <xsl:text>]</xsl:text>
  </xsl:template>

  <xsl:template match="tei:lb">
    <xsl:text> #linebreak() </xsl:text>
  </xsl:template>

  <xsl:template match="tei:ref | tei:ptr">
    <xsl:variable name="t" select="normalize-space(tokenize(@target, '\s+')[1])"/>
    <xsl:variable name="local" select="if (starts-with($t, '#')) then key('id', substring($t, 2))
        [self::tei:div or self::tei:note[tk:is-footnote(.)] or self::tei:pb[@n]] else ()"/>
    <xsl:choose>
      <xsl:when test="self::tei:ptr and not(node())"/>
      <xsl:when test="matches($t, '^(https?|mailto):')">
        <xsl:text>#link(</xsl:text>
        <xsl:value-of select="tkp:str($t)"/>
        <xsl:text>)[</xsl:text>
        <xsl:apply-templates/>
        <xsl:text>]</xsl:text>
      </xsl:when>
      <xsl:when test="count($local) eq 1 and $local/@xml:id and tkp:label($local) eq $local/@xml:id">
        <xsl:text>#tk-link(label(</xsl:text>
        <xsl:value-of select="tkp:str(tkp:label($local))"/>
        <xsl:text>))[</xsl:text>
        <xsl:apply-templates/>
        <xsl:text>]</xsl:text>
      </xsl:when>
      <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A mention of a person of the list leaves a mark the index collects (tk-i, valued ID). -->
  <xsl:template match="tei:persName[@corresp]">
    <xsl:variable name="id" select="substring-after(tokenize(normalize-space(@corresp), ' ')[1], '#')"/>
    <xsl:if test="$id ne '' and tkp:is-person(key('id', $id))">
      <xsl:value-of select="'#metadata(' || tkp:str($id) || ')&lt;tk-i&gt;'"/>
    </xsl:if>
    <xsl:apply-templates/>
  </xsl:template>

  <!-- Classification markings keep their printed parentheses, which are text in the source. -->
  <xsl:template match="tei:seg">
    <xsl:apply-templates/>
  </xsl:template>

  <xsl:template match="comment() | processing-instruction()"/>

  <!-- Every text node: escaped; the space before a footnote call is dropped, and so is one of
       two spaces around a page marker. -->
  <xsl:template match="text()">
    <xsl:variable name="next" select="following-sibling::node()[1]"/>
    <xsl:variable name="t" select="
        if ($next[self::tei:note[tk:is-footnote(.)]]) then replace(., '\s+$', '')
        else if ($next[self::tei:pb[not(tkp:pb-between-blocks(.))]]
                 and matches($next/following-sibling::node()[1][self::text()], '^\s')) then replace(., '\s+$', '')
        else string(.)"/>
    <xsl:value-of select="tkp:esc($t)"/>
  </xsl:template>

</xsl:stylesheet>
