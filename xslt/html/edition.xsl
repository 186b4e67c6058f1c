<?xml version="1.0" encoding="UTF-8"?>
<!-- TEI → a static HTML5 web edition.

     Input: one TEI file: a whole TEI with its header, a volume with many div[@type='document'],
     a teiCorpus, or a bare document div (the FRUS publisher's fragments). Several files make one
     edition when src/teikit/writers/html.py wraps them, in input order, as
       <tk:edition><tk:input n="1">TEI or div</tk:input><tk:input n="2">…</tk:input>…</tk:edition>
     so that one transform sees the whole edition: one table of contents, prev/next across
     files, one persons index.

     Output: a wrapper, never written as such:
       <site>
         <problem input="2" message="…"/>                       what Python reports as errors
         <page href="d321.html"><html lang="…">…</html></page>   one per document
         <page href="index.html">…</page>                        title page + contents
         <page href="about.html">…</page>                        the teiHeader
         <page href="persons.html">…</page>                      when persons or terms are tagged
         <page href="search.html">…</page>                       the search form
       </site>
     src/teikit/writers/html.py serialises each page as HTML5, writes it and builds the search
     index from the pages.

     Modules: text.xsl (TEI text → HTML elements), page.xsl (pages: skeleton, navigation,
     footnotes, index, about, persons, search). Labels (gap, page, note, document, date) come from
     ../common/labels.xsl. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:frus="http://history.state.gov/frus/ns/1.0"
    xmlns:tk="urn:teikit" xmlns:h="urn:teikit:html" xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all" expand-text="yes">

  <xsl:import href="../common/params.xsl"/>
  <xsl:import href="../common/labels.xsl"/>
  <xsl:import href="text.xsl"/>
  <xsl:import href="page.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <!-- Plumbing between writers/html.py and this stylesheet (not edition metadata, so not in
       ../common/params.xsl): a large edition is rendered in parts by parallel processes; a part
       renders the document pages from position html-from to html-to (1-based, inclusive), and the
       first part also the other pages (index, about, persons, search) and the problems. -->
  <xsl:param name="html-from" as="xs:integer" select="1"/>
  <xsl:param name="html-to" as="xs:integer" select="2147483647"/>
  <xsl:param name="html-first-part" as="xs:boolean" select="true()"/>

  <xsl:template match="/">
    <!-- A document node (no @as), so that key('h:toc-doc', …) can search it. -->
    <xsl:variable name="toc-doc">
      <xsl:call-template name="h:toc"/>
    </xsl:variable>
    <xsl:variable name="toc" select="$toc-doc/tk:toc" as="element(tk:toc)"/>
    <site>
      <xsl:for-each select="$toc/tk:doc[@duplicate][$html-first-part]">
        <problem input="{@input}" message="document {@id} would overwrite {@href} from an earlier document; document ids must be unique across the inputs of one edition"/>
      </xsl:for-each>
      <xsl:apply-templates select="(//div[@type = 'document'])[position() ge $html-from and position() le $html-to]" mode="h:page">
        <xsl:with-param name="toc" select="$toc" tunnel="yes"/>
      </xsl:apply-templates>
      <xsl:if test="$html-first-part">
        <xsl:call-template name="h:other-pages">
          <xsl:with-param name="toc" select="$toc" tunnel="yes"/>
        </xsl:call-template>
      </xsl:if>
    </site>
  </xsl:template>

  <xsl:template name="h:other-pages">
    <xsl:param name="toc" as="element(tk:toc)" tunnel="yes"/>
      <xsl:call-template name="h:index-page">
        <xsl:with-param name="toc" select="$toc" tunnel="yes"/>
      </xsl:call-template>
      <xsl:call-template name="h:about-page">
        <xsl:with-param name="toc" select="$toc" tunnel="yes"/>
      </xsl:call-template>
      <xsl:if test="$toc/@entities = 'yes'">
        <xsl:call-template name="h:persons-page">
          <xsl:with-param name="toc" select="$toc" tunnel="yes"/>
        </xsl:call-template>
      </xsl:if>
      <xsl:call-template name="h:search-page">
        <xsl:with-param name="toc" select="$toc" tunnel="yes"/>
      </xsl:call-template>
  </xsl:template>

  <!-- ===== table of contents of the edition ===== -->

  <!-- A page's file name (without .html): the document's xml:id, else d + its number. -->
  <xsl:function name="h:page-id" as="xs:string">
    <xsl:param name="div" as="element(div)"/>
    <xsl:sequence select="
        if ($div/@xml:id) then string($div/@xml:id)
        else if (matches($div/@n, '^[A-Za-z0-9][\w.\-]*$')) then 'd' || $div/@n
        else 'doc' || (count($div/preceding::div[@type = 'document']) + 1)"/>
  </xsl:function>

  <!-- Text of a head as one line: notes left out, line breaks as spaces. -->
  <xsl:function name="h:plain" as="xs:string">
    <xsl:param name="e" as="element()?"/>
    <xsl:sequence select="normalize-space(string-join(
        for $n in $e//(text() | lb)[not(ancestor::note)] return (if ($n/self::lb) then ' ' else string($n)), ''))"/>
  </xsl:function>

  <!-- "A" and "B" → "A, B" unless A already says B. -->
  <xsl:function name="h:join" as="xs:string">
    <xsl:param name="a" as="xs:string"/>
    <xsl:param name="b" as="xs:string"/>
    <xsl:sequence select="if ($a = '') then $b else if ($b = '' or contains($a, $b)) then $a else $a || ', ' || $b"/>
  </xsl:function>

  <!-- The first non-empty value over the headers of the edition, in input order. -->
  <xsl:function name="h:first" as="xs:string">
    <xsl:param name="values" as="xs:string*"/>
    <xsl:sequence select="($values[. != ''], '')[1]"/>
  </xsl:function>

  <!-- Entries of the table of contents by page id. -->
  <xsl:key name="h:toc-doc" match="tk:doc" use="@id"/>

  <!-- Persons and terms of the documents that carry an identifier. -->
  <xsl:function name="h:entity-key" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="v" select="normalize-space(($e/@corresp, $e/@ref, $e/@target, $e/@key)[1])"/>
    <xsl:variable name="first" select="if (contains($v, ' ')) then substring-before($v, ' ') else $v"/>
    <xsl:sequence select="if (contains($first, '#')) then substring-after($first, '#') else $first"/>
  </xsl:function>

  <xsl:template name="h:toc">
    <xsl:variable name="headers" select="//teiHeader"/>
    <xsl:variable name="docs" select="//div[@type = 'document']"/>
    <xsl:variable name="ids" select="$docs ! h:page-id(.)" as="xs:string*"/>
    <!-- page id → position of the first document with it -->
    <xsl:variable name="first" select="map:merge(for $i in 1 to count($ids) return map{$ids[$i]: $i},
        map{'duplicates': 'use-first'})"/>
    <tk:toc entities="{if (exists(h:entities(/))) then 'yes' else 'no'}">
      <tk:volume
          lang="{(//TEI/@xml:lang, //teiCorpus/@xml:lang, //text/@xml:lang, $docs/@xml:lang)[1]}"
          series="{h:first(for $ts in $headers/fileDesc/titleStmt return h:join(
              normalize-space($ts/title[@type = 'series'][1]), normalize-space($ts/title[@type = 'sub-series'][1])))}"
          volume-title="{h:first(for $ts in $headers/fileDesc/titleStmt return h:join(
              normalize-space($ts/title[@type = 'volume-number'][1]), normalize-space($ts/title[@type = 'volume'][1])))}"
          main-title="{h:first(for $ts in $headers/fileDesc/titleStmt return
              normalize-space(string(($ts/title[@type = ('main', 'complete')], $ts/title[not(@type)])[1])))}"
          volume-id="{h:first($headers/fileDesc/publicationStmt/idno[@type = ('volume', 'frus')]/normalize-space())}"
          editors="{h:first(for $ts in $headers/fileDesc/titleStmt return string-join($ts/editor[not(@role = 'general')]/normalize-space(), '; '))}"
          general-editor="{h:first(for $ts in $headers/fileDesc/titleStmt return string-join($ts/editor[@role = 'general']/normalize-space(), '; '))}"
          publisher="{h:first($headers/fileDesc/publicationStmt/publisher/normalize-space())}"
          pub-place="{h:first($headers/fileDesc/publicationStmt/pubPlace/normalize-space())}"
          year="{h:first(for $d in $headers/fileDesc/publicationStmt/date[@type = 'publication-date' or not(@type)]
              return ($d/@when/substring(., 1, 4), normalize-space($d))[. != ''][1])}"/>
      <xsl:for-each select="$docs">
        <xsl:variable name="chapter" select="ancestor::div[not(@type = 'document')][head][1]"/>
        <xsl:variable name="pos" select="position()"/>
        <xsl:variable name="id" select="$ids[$pos]"/>
        <tk:doc id="{$id}" href="{$id}.html" n="{tk:doc-number(.)}"
            title="{tk:doc-title-bare(.)}" date="{tk:doc-date(.)}" subtype="{@subtype}"
            chapter="{h:plain($chapter/head[1])}" chapter-id="{$chapter/@xml:id}"
            input="{ancestor::tk:input[1]/@n}" gid="{generate-id()}">
          <!-- A second document with the same page name is not rendered (it would overwrite). -->
          <xsl:if test="$first($id) ne $pos">
            <xsl:attribute name="duplicate" select="'yes'"/>
          </xsl:if>
        </tk:doc>
      </xsl:for-each>
    </tk:toc>
  </xsl:template>
</xsl:stylesheet>
