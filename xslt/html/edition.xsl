<?xml version="1.0" encoding="UTF-8"?>
<!-- TEI → a static HTML5 web edition.

     Input: one TEI file: a whole TEI with its header, a volume with many div[@type='document'],
     a teiCorpus, or a bare document div (the FRUS publisher's fragments).
     Output (html-pass = 'site', the default): a wrapper, never written as such:
       <site>
         <page href="d321.html"><html lang="…">…</html></page>   one per document
         <page href="index.html"><html>…</html></page>           title page + contents
       </site>
     src/teikit/writers/html.py serialises each page as HTML5 and writes it.

     With html-pass = 'toc' the output is the table of contents of this input only
     (<tk:toc><tk:volume …/><tk:doc …/>…</tk:toc>). Python merges the tables of several inputs
     and passes the result back as the string html-toc, so that the index lists every
     document and prev/next crosses file boundaries. Without html-toc the stylesheet uses its own
     input's table, so a single file needs a single run.

     Modules: text.xsl (TEI text → HTML elements), page.xsl (pages: head, navigation, footnotes,
     index). Labels (gap, page, note, document) come from ../common/labels.xsl. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit" xmlns:h="urn:teikit:html"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all" expand-text="yes">

  <xsl:import href="../common/params.xsl"/>
  <xsl:import href="../common/labels.xsl"/>
  <xsl:import href="text.xsl"/>
  <xsl:import href="page.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <!-- Plumbing between writers/html.py and this stylesheet (not edition metadata, so not in
       ../common/params.xsl): which pass, the merged table of contents, whether to emit the index. -->
  <xsl:param name="html-pass" as="xs:string" select="'site'"/>
  <xsl:param name="html-toc" as="xs:string" select="''"/>
  <xsl:param name="html-index" as="xs:boolean" select="true()"/>

  <xsl:template match="/">
    <xsl:variable name="own-toc" as="element(tk:toc)">
      <xsl:call-template name="h:toc"/>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$html-pass = 'toc'">
        <xsl:sequence select="$own-toc"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="toc" as="element(tk:toc)"
            select="if ($html-toc != '') then parse-xml($html-toc)/tk:toc else $own-toc"/>
        <site>
          <xsl:apply-templates select="//div[@type = 'document']" mode="h:page">
            <xsl:with-param name="toc" select="$toc" tunnel="yes"/>
          </xsl:apply-templates>
          <xsl:if test="$html-index">
            <xsl:call-template name="h:index-page">
              <xsl:with-param name="toc" select="$toc" tunnel="yes"/>
            </xsl:call-template>
          </xsl:if>
        </site>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ===== table of contents of this input ===== -->

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

  <xsl:template name="h:toc">
    <xsl:variable name="header" select="(//teiHeader)[1]"/>
    <xsl:variable name="ts" select="$header/fileDesc/titleStmt"/>
    <xsl:variable name="ps" select="$header/fileDesc/publicationStmt"/>
    <xsl:variable name="ti" select="function($type) { normalize-space(string($ts/title[@type = $type][1])) }"/>
    <tk:toc>
      <tk:volume
          lang="{(/*/@xml:lang, (//text)[1]/@xml:lang, (//div[@type = 'document'])[1]/@xml:lang)[1]}"
          series="{h:join($ti('series'), $ti('sub-series'))}"
          volume-title="{h:join($ti('volume-number'), $ti('volume'))}"
          main-title="{normalize-space(string(($ts/title[@type = ('main', 'complete')], $ts/title[not(@type)])[1]))}"
          volume-id="{($ps/idno[@type = ('volume', 'frus')])[1]}"
          editors="{string-join($ts/editor[not(@role = 'general')]/normalize-space(), '; ')}"
          general-editor="{string-join($ts/editor[@role = 'general']/normalize-space(), '; ')}"
          publisher="{normalize-space($ps/publisher[1])}"
          pub-place="{normalize-space($ps/pubPlace[1])}"
          year="{($ps/date[@type = 'publication-date' or not(@type)])[1]/(@when/substring(., 1, 4), normalize-space())[. != ''][1]}"/>
      <xsl:for-each select="//div[@type = 'document']">
        <xsl:variable name="chapter" select="ancestor::div[not(@type = 'document')][head][1]"/>
        <tk:doc id="{h:page-id(.)}" href="{h:page-id(.)}.html" n="{tk:doc-number(.)}"
            title="{tk:doc-title-bare(.)}" subtype="{@subtype}"
            chapter="{h:plain($chapter/head[1])}" chapter-id="{$chapter/@xml:id}"/>
      </xsl:for-each>
    </tk:toc>
  </xsl:template>
</xsl:stylesheet>
