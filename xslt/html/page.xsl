<?xml version="1.0" encoding="UTF-8"?>
<!-- Pages of the web edition: the HTML skeleton, a document page (breadcrumb, prev/next,
     article, footnotes), the index (title page + contents), the about page (the teiHeader), the
     persons and terms index, and the search page. The text inside the article comes from
     text.xsl. $toc (tunnelled) is the table of contents of the whole edition:
     <tk:toc entities="yes|no"><tk:volume …/><tk:doc id href n title date chapter …/>…</tk:toc>.

     Each page writes its skeleton in place (named templates h:head and h:site-header) rather than
     passing its content to a skeleton template: content bound to a parameter is built once and
     then copied, which made the site pass twice as slow on a 1,000-document volume. -->
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

  <xsl:function name="h:lang" as="xs:string">
    <xsl:param name="toc" as="element(tk:toc)"/>
    <xsl:sequence select="($toc/tk:volume/@lang[. != ''], 'en')[1]"/>
  </xsl:function>

  <!-- ===== persons and terms ===== -->

  <!-- Persons and terms of the documents that carry an identifier (@corresp, @ref, @target,
       @key), outside lists that define them. -->
  <xsl:function name="h:entities" as="element()*">
    <xsl:param name="root" as="node()"/>
    <xsl:sequence select="$root/descendant::*[self::persName or self::term or self::gloss]
        [@corresp or @ref or @target or @key][ancestor::div[@type = 'document']]"/>
  </xsl:function>

  <xsl:function name="h:entity-kind" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="if ($e/self::persName) then 'person' else 'term'"/>
  </xsl:function>

  <!-- Where the edition defines a person or term (front matter: <persName xml:id="p_GA_1">). -->
  <xsl:key name="h:entity-def" match="persName[@xml:id] | term[@xml:id] | item[@xml:id]" use="@xml:id"/>

  <xsl:function name="h:entity-def" as="element()?">
    <xsl:param name="key" as="xs:string"/>
    <xsl:param name="context" as="node()"/>
    <xsl:sequence select="key('h:entity-def', $key, root($context))[not(ancestor::teiHeader)][1]"/>
  </xsl:function>

  <!-- The name to list: the definition's, else the longest form in the documents. -->
  <xsl:function name="h:entity-name" as="xs:string">
    <xsl:param name="key" as="xs:string"/>
    <xsl:param name="group" as="element()+"/>
    <xsl:variable name="def" select="h:entity-def($key, $group[1])"/>
    <xsl:variable name="forms" select="distinct-values($group/normalize-space())[. != '']"/>
    <xsl:variable name="longest" select="max(($forms ! string-length(.), 0))"/>
    <xsl:sequence select="if ($def) then h:plain($def) else ($forms[string-length(.) = $longest], $key)[1]"/>
  </xsl:function>

  <!-- Persons by surname (the last word, unless the name is already "Surname, First"); terms as written. -->
  <xsl:function name="h:entity-sort" as="xs:string">
    <xsl:param name="name" as="xs:string"/>
    <xsl:param name="kind" as="xs:string"/>
    <xsl:sequence select="lower-case(if ($kind = 'term' or contains($name, ',')) then $name
        else tokenize($name, '\s+')[last()] || ' ' || $name)"/>
  </xsl:function>

  <!-- The description that follows a definition in its list item: "Soviet Foreign Minister". -->
  <xsl:function name="h:entity-desc" as="xs:string">
    <xsl:param name="def" as="element()?"/>
    <xsl:variable name="item" select="$def/ancestor-or-self::item[1]"/>
    <xsl:sequence select="if (empty($item)) then '' else replace(normalize-space(string-join(
        $item//text()[not(ancestor::note)][. >> $def and not(ancestor::* intersect $def)], '')), '^[\s,;:]+', '')"/>
  </xsl:function>

  <!-- ===== the HTML skeleton ===== -->

  <xsl:template name="h:head">
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="links" as="element()*" select="()"/>
    <head>
      <meta charset="utf-8"/>
      <meta name="viewport" content="width=device-width, initial-scale=1"/>
      <title>{$title}</title>
      <link rel="stylesheet" href="edition.css"/>
      <!-- no icon: say so, so that browsers do not ask the server for /favicon.ico -->
      <link rel="icon" href="data:,"/>
      <xsl:sequence select="$links"/>
      <meta name="generator" content="teikit{if ($teikit-version != '') then ' ' || $teikit-version else ''}"/>
      <script src="edition.js" defer=""></script>
    </head>
  </xsl:template>

  <!-- Top of every page: a skip link, the way back to the edition, its pages and a search box. -->
  <xsl:template name="h:site-header">
    <xsl:param name="toc" as="element(tk:toc)" tunnel="yes"/>
    <xsl:param name="current" as="xs:string"/>
    <xsl:param name="crumb" as="xs:string" select="''"/>
    <xsl:param name="docnav" as="element()?" select="()"/>
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="site-header">
      <div class="site-bar">
        <nav class="breadcrumb" aria-label="Breadcrumb">
          <xsl:choose>
            <xsl:when test="$current = 'index'"><span aria-current="page">{h:edition-name($toc)}</span></xsl:when>
            <xsl:otherwise>
              <a href="index.html">{h:edition-name($toc)}</a>
              <span class="sep" aria-hidden="true"> › </span>
              <span aria-current="page">{$crumb}</span>
            </xsl:otherwise>
          </xsl:choose>
        </nav>
        <nav class="site-nav" aria-label="Edition">
          <a href="index.html">Contents</a>
          <xsl:if test="$toc/@entities = 'yes'">
            <a href="persons.html">Persons and terms</a>
          </xsl:if>
          <a href="about.html">About</a>
          <form class="search-form" role="search" action="search.html" method="get">
            <input type="search" name="q" aria-label="Search the documents" placeholder="Search"/>
            <button type="submit">Search</button>
          </form>
        </nav>
      </div>
      <xsl:sequence select="$docnav"/>
    </header>
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
    <xsl:variable name="entry" select="key('h:toc-doc', $page-id, root($toc))[1]"/>
    <!-- a second document with the same page name is reported, not rendered -->
    <xsl:if test="$entry/@gid = generate-id()">
      <xsl:call-template name="h:document-page">
        <xsl:with-param name="entry" select="$entry"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="h:document-page">
    <xsl:param name="toc" as="element(tk:toc)" tunnel="yes"/>
    <xsl:param name="entry" as="element(tk:doc)"/>
    <xsl:variable name="page-id" select="string($entry/@id)"/>
    <xsl:variable name="prev" select="$entry/preceding-sibling::tk:doc[not(@duplicate)][1]"/>
    <xsl:variable name="next" select="$entry/following-sibling::tk:doc[not(@duplicate)][1]"/>
    <xsl:variable name="n" select="tk:doc-number(.)"/>
    <xsl:variable name="head" select="head[not(@type)][1]"/>
    <xsl:variable name="subjects" select="$head/following-sibling::head[@type = 'subject']
        [not(preceding-sibling::*[. >> $head][not(self::head[@type = 'subject'])])]"/>
    <xsl:variable name="lang" select="(ancestor-or-self::*[@xml:lang][1]/@xml:lang, h:lang($toc))[1]"/>
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
      <html lang="{$lang}">
        <xsl:call-template name="h:head">
          <xsl:with-param name="title" select="tk:doc-heading(.) || ' — ' || h:edition-name($toc)"/>
          <xsl:with-param name="links" as="element()*">
            <link rel="index" href="index.html"/>
            <xsl:if test="$prev"><link rel="prev" href="{$prev/@href}"/></xsl:if>
            <xsl:if test="$next"><link rel="next" href="{$next/@href}"/></xsl:if>
          </xsl:with-param>
        </xsl:call-template>
        <body class="document-page">
          <xsl:call-template name="h:site-header">
            <xsl:with-param name="current" select="'document'"/>
            <xsl:with-param name="crumb" select="if ($n != '') then 'Document ' || $n else tk:doc-title-bare(.)"/>
            <xsl:with-param name="docnav" select="$nav"/>
          </xsl:call-template>
          <main id="main">
            <article id="{tk:id(.)}" class="document{@subtype ! (' ' || .)}">
              <xsl:if test="$n != ''"><xsl:attribute name="data-n" select="$n"/></xsl:if>
              <!-- for the search index (writers/html.py) -->
              <xsl:attribute name="data-title" select="$entry/@title"/>
              <xsl:if test="$entry/@date != ''"><xsl:attribute name="data-date" select="$entry/@date"/></xsl:if>
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
              <xsl:variable name="notes" select=".//note[tk:is-footnote(.)]
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
        </body>
      </html>
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
      <html lang="{h:lang($toc)}">
        <xsl:call-template name="h:head">
          <xsl:with-param name="title" select="(string-join(($series, $title)[. != ''], ', ')[. != ''], 'Contents')[1]"/>
        </xsl:call-template>
        <body class="index-page">
          <xsl:call-template name="h:site-header">
            <xsl:with-param name="current" select="'index'"/>
          </xsl:call-template>
          <main id="main">
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
              <xsl:for-each-group select="$toc/tk:doc[not(@duplicate)]" group-adjacent="string(@chapter)">
                <xsl:if test="current-grouping-key() != ''">
                  <h3 class="chapter">
                    <xsl:if test="@chapter-id != '' and empty(preceding-sibling::tk:doc[@chapter-id = current()/@chapter-id])">
                      <xsl:attribute name="id" select="@chapter-id"/>
                    </xsl:if>
                    <xsl:text>{current-grouping-key()}</xsl:text>
                  </h3>
                </xsl:if>
                <ol class="toc">
                  <xsl:for-each select="current-group()">
                    <li>
                      <xsl:if test="@n castable as xs:integer"><xsl:attribute name="value" select="xs:integer(@n)"/></xsl:if>
                      <a href="{@href}">
                        <xsl:if test="@n != ''"><span class="docnum">{@n}.</span><xsl:text> </xsl:text></xsl:if>
                        <span class="doctitle">{@title}</span>
                      </a>
                      <xsl:if test="@date != ''">
                        <xsl:text> </xsl:text>
                        <span class="docdate">{@date}</span>
                      </xsl:if>
                    </li>
                  </xsl:for-each>
                </ol>
              </xsl:for-each-group>
            </nav>
          </main>
          <xsl:call-template name="h:footer"/>
        </body>
      </html>
    </page>
  </xsl:template>

  <!-- ===== about: the teiHeader ===== -->

  <xsl:function name="h:title-label" as="xs:string">
    <xsl:param name="t" as="element(title)"/>
    <xsl:sequence select="
        if ($t/@type = 'series') then 'Series'
        else if ($t/@type = 'sub-series') then 'Sub-series'
        else if ($t/@type = 'volume-number') then 'Volume'
        else if ($t/@type = 'volume') then 'Volume title'
        else if ($t/@type = 'complete') then 'Full title'
        else 'Title'"/>
  </xsl:function>

  <xsl:function name="h:role-label" as="xs:string">
    <xsl:param name="e" as="element(editor)"/>
    <xsl:sequence select="if ($e/@role = 'general') then 'General Editor' else 'Editor'"/>
  </xsl:function>

  <xsl:template name="h:about-page">
    <xsl:param name="toc" as="element(tk:toc)" tunnel="yes"/>
    <xsl:variable name="header" select="(//teiHeader[fileDesc])[1]"/>
    <xsl:variable name="fd" select="$header/fileDesc"/>
    <xsl:variable name="ps" select="$fd/publicationStmt"/>
    <page href="about.html">
      <html lang="{h:lang($toc)}">
        <xsl:call-template name="h:head">
          <xsl:with-param name="title" select="'About — ' || h:edition-name($toc)"/>
        </xsl:call-template>
        <body class="about-page">
          <xsl:call-template name="h:site-header">
            <xsl:with-param name="current" select="'about'"/>
            <xsl:with-param name="crumb" select="'About'"/>
          </xsl:call-template>
          <main id="main">
            <h1>About this edition</h1>
            <xsl:choose>
              <xsl:when test="empty($header)">
                <p>The TEI of this edition has no header.</p>
              </xsl:when>
              <xsl:otherwise>
                <section aria-labelledby="about-title">
                  <h2 id="about-title">Title</h2>
                  <dl class="about">
                    <xsl:for-each select="$fd/titleStmt/title">
                      <div><dt>{h:title-label(.)}</dt><dd><xsl:apply-templates/></dd></div>
                    </xsl:for-each>
                    <xsl:for-each select="$fd/titleStmt/(editor | author)">
                      <div><dt>{if (self::author) then 'Author' else h:role-label(.)}</dt><dd><xsl:apply-templates/></dd></div>
                    </xsl:for-each>
                    <xsl:for-each select="$fd/titleStmt/respStmt">
                      <div><dt>{normalize-space(string-join(resp, '; '))}</dt><dd>{string-join((name, persName, orgName)/normalize-space(), ', ')}</dd></div>
                    </xsl:for-each>
                    <xsl:for-each select="$fd/editionStmt/edition">
                      <div><dt>Edition</dt><dd><xsl:apply-templates/></dd></div>
                    </xsl:for-each>
                  </dl>
                </section>
                <xsl:if test="$ps">
                  <section aria-labelledby="about-publication">
                    <h2 id="about-publication">Publication</h2>
                    <dl class="about">
                      <xsl:for-each select="$ps/(publisher | distributor | authority | pubPlace | date | idno)">
                        <div>
                          <dt>{
                            if (self::publisher) then 'Publisher'
                            else if (self::distributor) then 'Distributor'
                            else if (self::authority) then 'Authority'
                            else if (self::pubPlace) then 'Place'
                            else if (self::date) then (if (@type = 'content-date') then 'Dates covered'
                                else if (@type = ('publication-date') or not(@type)) then 'Published'
                                else 'Date (' || @type || ')')
                            else 'Identifier' || (if (@type) then ' (' || @type || ')' else '')}</dt>
                          <dd><xsl:apply-templates/></dd>
                        </div>
                      </xsl:for-each>
                    </dl>
                    <xsl:apply-templates select="$ps/availability/*"/>
                  </section>
                </xsl:if>
                <xsl:if test="$fd/sourceDesc[normalize-space()]">
                  <section aria-labelledby="about-source">
                    <h2 id="about-source">Source</h2>
                    <xsl:for-each select="$fd/sourceDesc/*">
                      <xsl:choose>
                        <xsl:when test="self::p"><xsl:apply-templates select="."/></xsl:when>
                        <xsl:otherwise><p><xsl:apply-templates select="."/></p></xsl:otherwise>
                      </xsl:choose>
                    </xsl:for-each>
                  </section>
                </xsl:if>
                <xsl:if test="$fd/notesStmt">
                  <section aria-labelledby="about-notes">
                    <h2 id="about-notes">Notes</h2>
                    <xsl:for-each select="$fd/notesStmt/note">
                      <p><xsl:apply-templates/></p>
                    </xsl:for-each>
                    <xsl:variable name="related" select="$fd/notesStmt/relatedItem[.//ref/@target]"/>
                    <xsl:if test="$related">
                      <ul class="related">
                        <xsl:for-each select="$related">
                          <li><a href="{(.//ref/@target)[1]}">{(@type ! upper-case(.), 'Related file')[1]}</a></li>
                        </xsl:for-each>
                      </ul>
                    </xsl:if>
                  </section>
                </xsl:if>
                <xsl:variable name="decl" select="$header/encodingDesc/(projectDesc | editorialDecl | samplingDecl)[normalize-space()]"/>
                <xsl:if test="$decl">
                  <section aria-labelledby="about-encoding">
                    <h2 id="about-encoding">Editorial principles</h2>
                    <xsl:for-each select="$decl//p">
                      <p><xsl:apply-templates/></p>
                    </xsl:for-each>
                  </section>
                </xsl:if>
                <xsl:variable name="keywords" select="$header/profileDesc/textClass/keywords/term[normalize-space()]"/>
                <xsl:if test="$keywords">
                  <section aria-labelledby="about-keywords">
                    <h2 id="about-keywords">Keywords</h2>
                    <p class="keywords">{string-join($keywords/normalize-space(), ', ')}</p>
                  </section>
                </xsl:if>
                <xsl:variable name="changes" select="$header/revisionDesc//change"/>
                <xsl:if test="$changes">
                  <section aria-labelledby="about-revisions">
                    <h2 id="about-revisions">Revisions</h2>
                    <ul class="changes">
                      <xsl:for-each select="$changes">
                        <li>
                          <xsl:if test="@when"><time datetime="{@when}">{@when}</time>: </xsl:if>
                          <xsl:value-of select="normalize-space()"/>
                        </li>
                      </xsl:for-each>
                    </ul>
                  </section>
                </xsl:if>
              </xsl:otherwise>
            </xsl:choose>
            <p class="generator">Generated by teikit{if ($teikit-version != '') then ' ' || $teikit-version else ''} from the TEI of
              {count($toc/tk:doc[not(@duplicate)])} document{if (count($toc/tk:doc[not(@duplicate)]) = 1) then '' else 's'}.</p>
          </main>
          <xsl:call-template name="h:footer"/>
        </body>
      </html>
    </page>
  </xsl:template>

  <!-- ===== persons and terms ===== -->

  <xsl:template name="h:persons-page">
    <xsl:param name="toc" as="element(tk:toc)" tunnel="yes"/>
    <xsl:variable name="root" select="/"/>
    <page href="persons.html">
      <html lang="{h:lang($toc)}">
        <xsl:call-template name="h:head">
          <xsl:with-param name="title" select="'Persons and terms — ' || h:edition-name($toc)"/>
        </xsl:call-template>
        <body class="persons-page">
          <xsl:call-template name="h:site-header">
            <xsl:with-param name="current" select="'persons'"/>
            <xsl:with-param name="crumb" select="'Persons and terms'"/>
          </xsl:call-template>
          <main id="main">
            <h1>Persons and terms</h1>
            <p class="intro">Each name and term that the documents identify, with the documents that mention it.</p>
            <xsl:variable name="all" select="h:entities($root)"/>
            <xsl:for-each-group select="$all" group-by="h:entity-kind(.)">
              <xsl:sort select="current-grouping-key()" order="ascending"/>
              <xsl:variable name="kind" select="current-grouping-key()"/>
              <section aria-labelledby="tk-{$kind}s">
                <h2 id="tk-{$kind}s">{if ($kind = 'person') then 'Persons' else 'Abbreviations and terms'}</h2>
                <dl class="entities {$kind}s">
                  <xsl:for-each-group select="current-group()" group-by="h:entity-key(.)">
                    <xsl:sort select="h:entity-sort(h:entity-name(current-grouping-key(), current-group()), $kind)"/>
                    <xsl:variable name="key" select="current-grouping-key()"/>
                    <xsl:variable name="def" select="h:entity-def($key, $root)"/>
                    <xsl:variable name="forms" select="distinct-values(current-group()/normalize-space())[. != '']"/>
                    <xsl:variable name="name" select="h:entity-name($key, current-group())"/>
                    <xsl:variable name="pages" select="distinct-values(current-group()/h:page-id(ancestor::div[@type = 'document'][1]))"/>
                    <div class="entity" id="{$key}">
                      <dt>{($name, $key)[. != ''][1]}</dt>
                      <xsl:variable name="desc" select="h:entity-desc($def)"/>
                      <xsl:if test="$desc != ''"><dd class="desc">{$desc}</dd></xsl:if>
                      <xsl:if test="count($forms) gt 1">
                        <dd class="forms">Also: {string-join($forms[. != $name], '; ')}</dd>
                      </xsl:if>
                      <dd class="docs">
                        <xsl:text>{if (count($pages) = 1) then 'Document' else 'Documents'} </xsl:text>
                        <xsl:for-each select="key('h:toc-doc', $pages, root($toc))[not(@duplicate)]">
                          <xsl:if test="position() gt 1">, </xsl:if>
                          <a href="{@href}" title="{h:doc-label(.)}">{(@n[. != ''], @title)[1]}</a>
                        </xsl:for-each>
                      </dd>
                    </div>
                  </xsl:for-each-group>
                </dl>
              </section>
            </xsl:for-each-group>
          </main>
          <xsl:call-template name="h:footer"/>
        </body>
      </html>
    </page>
  </xsl:template>

  <!-- ===== search ===== -->

  <!-- The search page; edition.js runs the query against search/*.json (written by Python). -->
  <xsl:template name="h:search-page">
    <xsl:param name="toc" as="element(tk:toc)" tunnel="yes"/>
    <page href="search.html">
      <html lang="{h:lang($toc)}">
        <xsl:call-template name="h:head">
          <xsl:with-param name="title" select="'Search — ' || h:edition-name($toc)"/>
        </xsl:call-template>
        <body class="search-page">
          <xsl:call-template name="h:site-header">
            <xsl:with-param name="current" select="'search'"/>
            <xsl:with-param name="crumb" select="'Search'"/>
          </xsl:call-template>
          <main id="main">
            <h1>Search</h1>
            <form id="search" class="search-main" role="search" action="search.html" method="get">
              <label for="search-q">Words to find in the documents and their notes</label>
              <input type="search" id="search-q" name="q" autocomplete="off"/>
              <button type="submit">Search</button>
            </form>
            <noscript><p class="search-note">Search runs in the browser and needs JavaScript; the
              <a href="index.html">contents</a> list every document.</p></noscript>
            <p id="search-status" class="search-status" role="status" aria-live="polite"></p>
            <ol id="search-results" class="search-results"></ol>
          </main>
          <xsl:call-template name="h:footer"/>
        </body>
      </html>
    </page>
  </xsl:template>
</xsl:stylesheet>
