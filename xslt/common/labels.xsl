<?xml version="1.0" encoding="UTF-8"?>
<!-- Editorial meaning, decided once: how a gap, a page break, a note or a document is labelled.
     The HTML and PDF stylesheets call these functions and only decide how to typeset them. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit" exclude-result-prefixes="#all">

  <!-- The words printed inside the brackets of a gap, as FRUS prints them:
       "1 paragraph (8 lines) not declassified", "Omitted here is …". -->
  <xsl:function name="tk:gap-label" as="xs:string">
    <xsl:param name="gap" as="element(tei:gap)"/>
    <xsl:sequence select="
      if ($gap/tei:desc) then normalize-space(string($gap/tei:desc))
      else if ($gap/@reason = 'not-declassified')
        then normalize-space(string-join(($gap/@extent, 'not declassified'), ' '))
      else normalize-space(string-join(($gap/@extent, $gap/@reason), ' '))"/>
  </xsl:function>

  <!-- Redactions are printed in italic inside roman brackets; editorial omissions in roman. -->
  <xsl:function name="tk:gap-italic" as="xs:boolean">
    <xsl:param name="gap" as="element(tei:gap)"/>
    <xsl:sequence select="$gap/@reason = 'not-declassified'"/>
  </xsl:function>

  <!-- A gap that stands for a whole block rather than words inside one. -->
  <xsl:function name="tk:gap-is-block" as="xs:boolean">
    <xsl:param name="gap" as="element(tei:gap)"/>
    <xsl:sequence select="exists($gap/parent::tei:div | $gap/parent::tei:body)"/>
  </xsl:function>

  <!-- The margin label of a page break of the original edition: "Page 1149". -->
  <xsl:function name="tk:pb-label" as="xs:string">
    <xsl:param name="pb" as="element(tei:pb)"/>
    <xsl:sequence select="'Page ' || $pb/@n"/>
  </xsl:function>

  <!-- Anchor id of a page break, note or document: its xml:id, else a stable generated one. -->
  <xsl:function name="tk:id" as="xs:string">
    <xsl:param name="node" as="element()"/>
    <xsl:sequence select="($node/@xml:id, generate-id($node))[1]"/>
  </xsl:function>

  <!-- A footnote (printed at the foot of the page, or after the text on the web), as opposed
       to a note printed in the flow of the text ("Attachment", an inline source note). -->
  <xsl:function name="tk:is-footnote" as="xs:boolean">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="not($note/@rend = 'inline' or $note/@place = ('inline', 'margin-inline'))"/>
  </xsl:function>

  <!-- The number a footnote prints: its @n, else (a note without one) its place among the
       footnotes of its document. -->
  <xsl:function name="tk:note-number" as="xs:string">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:variable name="doc" select="$note/ancestor::tei:div[@type = 'document'][1]"/>
    <xsl:sequence select="if (tk:note-label($note) ne '') then tk:note-label($note)
        else string(count($note/preceding::tei:note[tk:is-footnote(.)]
                          [empty($doc) or ancestor::tei:div[@type = 'document'][1] is $doc]) + 1)"/>
  </xsl:function>

  <!-- Notes are numbered by @n as printed, never by a counter. -->
  <xsl:function name="tk:note-label" as="xs:string">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="string($note/@n)"/>
  </xsl:function>

  <!-- The printed number of a document: "321". -->
  <xsl:function name="tk:doc-number" as="xs:string">
    <xsl:param name="div" as="element(tei:div)"/>
    <xsl:sequence select="string($div/@n)"/>
  </xsl:function>

  <!-- The document's title: its first head without notes, with the subject head apart. -->
  <xsl:function name="tk:doc-title" as="xs:string">
    <xsl:param name="div" as="element(tei:div)"/>
    <xsl:sequence select="normalize-space(string-join(
        $div/tei:head[not(@type)][1]//text()[not(ancestor::tei:note)], ''))"/>
  </xsl:function>

  <!-- The number and title a document is known by: "321. Note Prepared in …" (FRUS heads that
       already print the number do not get it twice). -->
  <xsl:function name="tk:doc-heading" as="xs:string">
    <xsl:param name="div" as="element(tei:div)"/>
    <xsl:variable name="n" select="tk:doc-number($div)"/>
    <xsl:sequence select="if ($n eq '') then tk:doc-title-bare($div) else $n || '. ' || tk:doc-title-bare($div)"/>
  </xsl:function>

  <!-- Classification markings print as the letters in parentheses, e.g. "(C)". -->
  <xsl:function name="tk:is-classification-marking" as="xs:boolean">
    <xsl:param name="seg" as="element()"/>
    <xsl:sequence select="$seg/self::tei:seg/@type = 'classification-marking'"/>
  </xsl:function>

  <!-- Whether the head already opens with the printed number, as in the FRUS publisher's dialect
       ("18. Memorandum From …"); teikit's own TEI keeps the number in @n only. -->
  <xsl:function name="tk:head-has-number" as="xs:boolean">
    <xsl:param name="div" as="element(tei:div)"/>
    <xsl:sequence select="string($div/@n) != '' and starts-with(tk:doc-title($div), $div/@n || '.')"/>
  </xsl:function>

  <!-- The document's title without a printed number that opens the head: for tables of contents
       that print the number themselves ("321" + "Note Prepared in …"). -->
  <xsl:function name="tk:doc-title-bare" as="xs:string">
    <xsl:param name="div" as="element(tei:div)"/>
    <xsl:sequence select="if (tk:head-has-number($div))
        then normalize-space(substring(tk:doc-title($div), string-length($div/@n) + 2))
        else tk:doc-title($div)"/>
  </xsl:function>

  <!-- The document's date as printed in its dateline: "January 21, 1982, 5:30 p.m." (the date
       element, else the dateline without its place); '' when the document has no dateline.
       Datelines of attachments and notes are not the document's. -->
  <xsl:function name="tk:doc-date" as="xs:string">
    <xsl:param name="div" as="element(tei:div)"/>
    <xsl:variable name="near" select="($div/tei:opener/tei:dateline, $div/tei:dateline)[1]"/>
    <xsl:variable name="dateline" select="if ($near) then $near else ($div//tei:dateline[not(ancestor::tei:note)]
        [not(ancestor::*[local-name() = ('attachment', 'floatingText')][. &gt;&gt; $div])]
        [ancestor::tei:div[@type = 'document'][1] is $div])[1]"/>
    <xsl:variable name="date" select="$dateline//tei:date[not(ancestor::tei:note)][1]"/>
    <xsl:variable name="texts" select="if ($date) then $date//text()[not(ancestor::tei:note)]
        else $dateline//text()[not(ancestor::tei:note or ancestor::tei:placeName)]"/>
    <xsl:sequence select="replace(normalize-space(string-join($texts, '')), '^[\s,.;:]+|[\s,;:]+$', '')"/>
  </xsl:function>
</xsl:stylesheet>
