<?xml version="1.0" encoding="UTF-8"?>
<!-- Every stylesheet parameter, in one place. Python sets them from teikit.toml. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" exclude-result-prefixes="#all">
  <!-- Edition metadata (teikit.toml [edition]); the teiHeader is used when a value is empty. -->
  <xsl:param name="series" as="xs:string" select="''"/>
  <xsl:param name="volume-title" as="xs:string" select="''"/>
  <xsl:param name="volume-id" as="xs:string" select="''"/>
  <xsl:param name="editors" as="xs:string" select="''"/>
  <xsl:param name="publisher" as="xs:string" select="''"/>
  <xsl:param name="publication-year" as="xs:string" select="''"/>
  <!-- PDF page size, a Typst paper name (teikit.toml [pdf] paper). -->
  <xsl:param name="paper" as="xs:string" select="'us-letter'"/>
  <!-- PDF: about how many characters of text one page run holds; a document that would overflow
       the run starts a new page, and runs are typeset in parallel. 0: one run. -->
  <xsl:param name="pdf-run-chars" as="xs:integer" select="600000"/>
  <!-- PDF: where a long volume is cut into parts, each typeset by its own Typst process: the
       positions (1, 2, …) of the documents that begin a part, space-separated ('' : one part);
       and which piece of the markup to write ('' : all; see xslt/pdf/typst.xsl). -->
  <xsl:param name="pdf-part-starts" as="xs:string" select="''"/>
  <xsl:param name="pdf-piece" as="xs:string" select="''"/>
  <!-- teikit version, for generator metadata. -->
  <xsl:param name="teikit-version" as="xs:string" select="''"/>
</xsl:stylesheet>
