<?xml version="1.0" encoding="UTF-8"?>
<!-- Pages of the web edition: the HTML skeleton, a document page (breadcrumb, prev/next,
     article, footnotes) and the index (title page + contents). The text inside the article
     comes from text.xsl. $toc (tunnelled) is the table of contents of the whole edition:
     <tk:toc><tk:volume …/><tk:doc id href n title chapter/>…</tk:toc>. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit" xmlns:h="urn:teikit:html"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all" expand-text="yes">

  <!-- Edition metadata: the parameter (teikit.toml) first, else the TEI header. -->
  <xsl:function name="h:meta" as="xs:string">
    <xsl:param name="toc" as="element(tk:toc)"/>
    <xsl:param name="name" as="xs:string"/>
    <xsl:variable name="param" select="
        if ($name = 'series') then $series
        else if ($name = 'volume-title') then $volume-title
        else if ($name = 'volume-id') then $volume-id
        else if ($name = 'editors') then $editors
        else if ($name = 'publisher') then $publisher
        else if ($name = 'year') then $publication-year
        else ''"/>
    <xsl:sequence select="if (normalize-space($param) != '') then normalize-space($param)
        else string($toc/tk:volume/@*[local-name() = $name])"/>
  </xsl:function>

  <!-- The edition's short name, for breadcrumbs and page titles. -->
  <xsl:function name="h:edition-name" as="xs:string">
    <xsl:param name="toc" as="element(tk:toc)"/>
    <xsl:sequence select="(h:meta($toc, 'volume-title'), h:meta($toc, 'series'),
        string($toc/tk:volume/@main-title), 'Contents')[. != ''][1]"/>
  </xsl:function>

  <xsl:function name="h:doc-label" as="xs:string">
    <xsl:param name="doc" as="element(tk:doc)"/>
    <xsl:sequence select="if ($doc/@n != '') then $doc/@n || '. ' || $doc/@title else string($doc/@title)"/>
  </xsl:function>

  <!-- ===== the HTML skeleton ===== -->

  <xsl:template name="h:html">
    <xsl:param name="lang" as="xs:string"/>
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="body-class" as="xs:string"/>
    <xsl:param name="links" as="element()*" select="()"/>
    <xsl:param name="content" as="node()*"/>
    <html lang="{$lang}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>{$title}</title>
        <link rel="stylesheet" href="edition.css"/>
        <xsl:sequence select="$links"/>
        <meta name="generator" content="teikit{if ($teikit-version != '') then ' ' || $teikit-version else ''}"/>
      </head>
      <body class="{$body-class}">
        <xsl:sequence select="$content"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template name="h:footer">
    <xsl:param name="toc" as="element(tk:toc)" tunnel="yes"/>
    <footer class="site-footer">
      <p>{string-join((h:meta($toc, 'series'), h:meta($toc, 'volume-title'))[. != ''], ', ')}</p>
    </footer>
  </xsl:template>

  <!-- ===== a document page ===== -->

  <xsl:key name="h:pb-before" match="pb[empty(ancestor::div[@type = 'document'])]"
      use="generate-id(following::div[@type = 'document'][1])"/>

  <xsl:template match="div[@type = 'document']" mode="h:page">
    <xsl:param name="toc" as="element(tk:toc)" tunnel="yes"/>
    <xsl:variable name="page-id" select="h:page-id(.)"/>
    <xsl:variable name="entry" select="($toc/tk:doc[@id = $page-id])[1]"/>
    <xsl:variable name="prev" select="$entry/preceding-sibling::tk:doc[1]"/>
    <xsl:variable name="next" select="$entry/following-sibling::tk:doc[1]"/>
    <xsl:variable name="n" select="tk:doc-number(.)"/>
    <xsl:variable name="head" select="head[not(@type)][1]"/>
    <xsl:variable name="subjects" select="$head/following-sibling::head[@type = 'subject']
        [not(preceding-sibling::*[. >> $head][not(self::head[@type = 'subject'])])]"/>
    <xsl:variable name="lang" select="(ancestor-or-self::*[@xml:lang][1]/@xml:lang,
        $toc/tk:volume/@lang[. != ''], 'en')[1]"/>
    <xsl:variable name="nav" as="element()?">
      <xsl:if test="$prev or $next">
        <nav class="docnav" aria-label="Documents">
          <xsl:if test="$prev">
            <a class="prev" rel="prev" href="{$prev/@href}" title="{h:doc-label($prev)}">← {if ($prev/@n != '') then 'Document ' || $prev/@n else 'Previous'}</a>
          </xsl:if>
          <a class="up" href="index.html">Contents</a>
          <xsl:if test="$next">
            <a class="next" rel="next" href="{$next/@href}" title="{h:doc-label($next)}">{if ($next/@n != '') then 'Document ' || $next/@n else 'Next'} →</a>
          </xsl:if>
        </nav>
      </xsl:if>
    </xsl:variable>
    <page href="{$page-id}.html">
      <xsl:call-template name="h:html">
        <xsl:with-param name="lang" select="string($lang)"/>
        <xsl:with-param name="title" select="(if ($n != '') then $n || '. ' else '') || tk:doc-title-bare(.) || ' — ' || h:edition-name($toc)"/>
        <xsl:with-param name="body-class" select="'document-page'"/>
        <xsl:with-param name="links" as="element()*">
          <link rel="index" href="index.html"/>
          <xsl:if test="$prev"><link rel="prev" href="{$prev/@href}"/></xsl:if>
          <xsl:if test="$next"><link rel="next" href="{$next/@href}"/></xsl:if>
        </xsl:with-param>
        <xsl:with-param name="content" as="node()*">
          <header class="site-header">
            <nav class="breadcrumb" aria-label="Breadcrumb">
              <a href="index.html">{h:edition-name($toc)}</a>
              <span class="sep" aria-hidden="true"> › </span>
              <span aria-current="page">{if ($n != '') then 'Document ' || $n else tk:doc-title-bare(.)}</span>
            </nav>
            <xsl:sequence select="$nav"/>
          </header>
          <main>
            <article id="{tk:id(.)}" class="document{@subtype ! (' ' || .)}">
              <xsl:if test="$n != ''"><xsl:attribute name="data-n" select="$n"/></xsl:if>
              <header class="doc-header">
                <!-- Page breaks between the previous document and this one (volumes put them there). -->
                <xsl:apply-templates select="key('h:pb-before', generate-id())"/>
                <xsl:apply-templates select="$head/preceding-sibling::pb"/>
                <h1>
                  <xsl:if test="$n != '' and not(tk:head-has-number(.))">
                    <span class="docnum">{$n}.</span>
                    <xsl:text> </xsl:text>
                  </xsl:if>
                  <xsl:apply-templates select="$head/node()"/>
                </h1>
                <xsl:apply-templates select="$subjects"/>
              </header>
              <div class="doc-body">
                <xsl:apply-templates select="node() except ($head, $subjects, $head/preceding-sibling::pb)"/>
              </div>
              <xsl:variable name="notes" select=".//note[h:is-footnote(.)]
                  [ancestor::div[@type = 'document'][1] is current()]"/>
              <xsl:if test="$notes">
                <section class="footnotes" role="doc-endnotes" aria-labelledby="{tk:id(.)}-notes">
                  <h2 id="{tk:id(.)}-notes" class="visually-hidden">Notes</h2>
                  <ol>
                    <xsl:apply-templates select="$notes" mode="h:footnote"/>
                  </ol>
                </section>
              </xsl:if>
            </article>
          </main>
          <xsl:if test="exists($nav)">
            <div class="site-nav-bottom"><xsl:sequence select="$nav"/></div>
          </xsl:if>
          <xsl:call-template name="h:footer"/>
        </xsl:with-param>
      </xsl:call-template>
    </page>
  </xsl:template>

  <!-- ===== the index: title page and contents ===== -->

  <xsl:template name="h:index-page">
    <xsl:param name="toc" as="element(tk:toc)" tunnel="yes"/>
    <xsl:variable name="series" select="h:meta($toc, 'series')"/>
    <xsl:variable name="title" select="(h:meta($toc, 'volume-title'), string($toc/tk:volume/@main-title))[. != ''][1]"/>
    <xsl:variable name="editors" select="tokenize(h:meta($toc, 'editors'), '\s*;\s*')[. != '']"/>
    <xsl:variable name="general" select="tokenize($toc/tk:volume/@general-editor, '\s*;\s*')[. != '']"/>
    <page href="index.html">
      <xsl:call-template name="h:html">
        <xsl:with-param name="lang" select="($toc/tk:volume/@lang[. != ''], 'en')[1]"/>
        <xsl:with-param name="title" select="(string-join(($series, $title)[. != ''], ', ')[. != ''], 'Contents')[1]"/>
        <xsl:with-param name="body-class" select="'index-page'"/>
        <xsl:with-param name="content" as="node()*">
          <main>
            <header class="titlepage">
              <xsl:if test="$series != ''"><p class="series">{$series}</p></xsl:if>
              <h1>{($title[. != ''], 'Contents')[1]}</h1>
              <xsl:if test="exists($editors)">
                <p class="editors">{if (count($editors) gt 1) then 'Editors' else 'Editor'}<br/>
                  <span class="names">{string-join($editors, ', ')}</span></p>
              </xsl:if>
              <xsl:if test="exists($general)">
                <p class="editors general">General Editor<br/>
                  <span class="names">{string-join($general, ', ')}</span></p>
              </xsl:if>
              <xsl:variable name="imprint" select="(h:meta($toc, 'publisher'),
                  string($toc/tk:volume/@pub-place), h:meta($toc, 'year'))[. != '']"/>
              <xsl:if test="exists($imprint)">
                <p class="imprint">{string-join($imprint, ' · ')}</p>
              </xsl:if>
            </header>
            <nav class="toc" aria-labelledby="toc-heading">
              <h2 id="toc-heading">Contents</h2>
              <xsl:for-each-group select="$toc/tk:doc" group-adjacent="string(@chapter)">
                <xsl:if test="current-grouping-key() != ''">
                  <h3 class="chapter">{current-grouping-key()}</h3>
                </xsl:if>
                <ol class="toc">
                  <xsl:for-each select="current-group()">
                    <li>
                      <xsl:if test="@n castable as xs:integer"><xsl:attribute name="value" select="xs:integer(@n)"/></xsl:if>
                      <a href="{@href}">
                        <xsl:if test="@n != ''"><span class="docnum">{@n}.</span><xsl:text> </xsl:text></xsl:if>
                        <span class="doctitle">{@title}</span>
                      </a>
                    </li>
                  </xsl:for-each>
                </ol>
              </xsl:for-each-group>
            </nav>
          </main>
          <xsl:call-template name="h:footer"/>
        </xsl:with-param>
      </xsl:call-template>
    </page>
  </xsl:template>
</xsl:stylesheet>
