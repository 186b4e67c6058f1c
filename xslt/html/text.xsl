<?xml version="1.0" encoding="UTF-8"?>
<!-- TEI text → HTML5 elements (unnamed mode). Editorial meaning comes from ../common/labels.xsl;
     this module only decides the HTML for it. Covers teikit's own TEI and the FRUS publisher's
     dialect (hi/@rend, frus:attachment, opener/closer, labelled lists, tables).
     Output is HTML in no namespace; Python serialises it as HTML5. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:frus="http://history.state.gov/frus/ns/1.0"
    xmlns:tk="urn:teikit" xmlns:h="urn:teikit:html"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all" expand-text="yes">

  <!-- ===== helpers ===== -->

  <!-- id and lang carried over from the TEI. -->
  <xsl:template name="h:attrs">
    <xsl:param name="class" as="xs:string*" select="()"/>
    <xsl:if test="@xml:id"><xsl:attribute name="id" select="@xml:id"/></xsl:if>
    <xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if>
    <xsl:variable name="classes" select="string-join(distinct-values($class[. != '']), ' ')"/>
    <xsl:if test="$classes != ''"><xsl:attribute name="class" select="$classes"/></xsl:if>
  </xsl:template>

  <!-- Notes that become footnotes (everything except inline notes). -->
  <!-- Elements that need block containers in HTML: a p holding one becomes a div. -->
  <xsl:function name="h:has-block" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e/(list | table | figure | lg | floatingText | frus:attachment
        | quote[p | list | lg] | note[not(tk:is-footnote(.))][p]
        | gap[tk:gap-is-block(.)] | p))"/>
  </xsl:function>

  <!-- Elements whose content HTML treats as flow (block) context. -->
  <xsl:function name="h:in-block-context" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e/parent::*[self::div or self::body or self::front or self::back
        or self::frus:attachment or self::item or self::cell or self::opener or self::closer
        or self::quote[p | list] or self::note[p]])"/>
  </xsl:function>

  <!-- A TEI @target as an href: pages of the edition where known, else the FRUS web edition;
       '' when the target is nowhere to be found (the caller then writes a link without href). -->
  <xsl:function name="h:href" as="xs:string">
    <xsl:param name="target" as="xs:string"/>
    <xsl:param name="context" as="element()"/>
    <xsl:param name="toc" as="element(tk:toc)?"/>
    <xsl:variable name="t" select="normalize-space(tokenize(normalize-space($target), ' ')[1])"/>
    <xsl:choose>
      <xsl:when test="starts-with($t, '#')">
        <xsl:variable name="id" select="substring($t, 2)"/>
        <xsl:variable name="doc" select="$context/ancestor::div[@type = 'document'][1]"/>
        <xsl:variable name="docid" select="replace($id, '^(d\d+[a-z]?)(fn.*)?$', '$1')"/>
        <xsl:choose>
          <xsl:when test="exists($doc//*[@xml:id = $id])">{$t}</xsl:when>
          <xsl:when test="exists($toc) and exists(key('h:toc-doc', $id, root($toc)))">{key('h:toc-doc', $id, root($toc))[1]/@href}</xsl:when>
          <xsl:when test="exists($toc) and exists(key('h:toc-doc', $docid, root($toc)))">{key('h:toc-doc', $docid, root($toc))[1]/@href}{$t}</xsl:when>
          <!-- Not in this edition: a FRUS volume's document on the FRUS web edition, else no link. -->
          <xsl:when test="exists($toc) and matches(h:meta($toc, 'volume-id'), '^frus[0-9]') and matches($id, '^d\d')">
            <xsl:sequence select="h:href(h:meta($toc, 'volume-id') || $t, $context, ())"/>
          </xsl:when>
          <xsl:otherwise><xsl:sequence select="''"/></xsl:otherwise>
        </xsl:choose>
      </xsl:when>
      <xsl:when test="matches($t, '^frus[0-9][\w\-]*(#.*)?$')">
        <xsl:variable name="vol" select="substring-before($t || '#', '#')"/>
        <xsl:variable name="id" select="substring-after($t, '#')"/>
        <xsl:sequence select="'https://history.state.gov/historicaldocuments/' || $vol
            || (if ($id != '') then '/' || replace($id, '^(d\d+[a-z]?)fn(.*)$', '$1#fn:$1fn$2') else '')"/>
      </xsl:when>
      <xsl:otherwise>{$t}</xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <!-- ===== blocks ===== -->

  <xsl:template match="p">
    <xsl:element name="{if (h:has-block(.)) then 'div' else 'p'}">
      <xsl:call-template name="h:attrs">
        <xsl:with-param name="class" select="(if (h:has-block(.)) then 'p' else ()), tokenize(@rend)"/>
      </xsl:call-template>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <!-- Heads other than the document's title and subject (those are set by page.xsl). -->
  <xsl:template match="head">
    <xsl:variable name="depth" select="count(ancestor::div[ancestor-or-self::div[@type = 'document']]
        | ancestor::frus:attachment) + 1"/>
    <xsl:element name="h{min((max((2, $depth)), 6))}">
      <xsl:call-template name="h:attrs"><xsl:with-param name="class" select="'head', @type"/></xsl:call-template>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="head[@type = 'subject']" priority="2">
    <p>
      <xsl:call-template name="h:attrs"><xsl:with-param name="class" select="'subtitle'"/></xsl:call-template>
      <xsl:apply-templates/>
    </p>
  </xsl:template>

  <xsl:template match="div">
    <section>
      <xsl:call-template name="h:attrs"><xsl:with-param name="class" select="'div', @type"/></xsl:call-template>
      <xsl:apply-templates/>
    </section>
  </xsl:template>

  <xsl:template match="frus:attachment">
    <section>
      <xsl:call-template name="h:attrs"><xsl:with-param name="class" select="'attachment'"/></xsl:call-template>
      <xsl:apply-templates/>
    </section>
  </xsl:template>

  <xsl:template match="opener | closer | floatingText | body[ancestor::floatingText]">
    <div>
      <xsl:call-template name="h:attrs"><xsl:with-param name="class" select="local-name(), tokenize(@rend)"/></xsl:call-template>
      <xsl:apply-templates/>
    </div>
  </xsl:template>

  <xsl:template match="dateline | salute | signed | byline | trailer | epigraph | postscript">
    <xsl:element name="{if (h:in-block-context(.) and not(h:has-block(.))) then 'p' else if (h:in-block-context(.)) then 'div' else 'span'}">
      <xsl:call-template name="h:attrs">
        <xsl:with-param name="class" select="local-name(), tokenize(@rend),
            for $r in tokenize(@rendition) return substring-after($r, '#')"/>
      </xsl:call-template>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="quote">
    <xsl:choose>
      <xsl:when test="h:in-block-context(.) or h:has-block(.)">
        <blockquote>
          <xsl:call-template name="h:attrs"/>
          <xsl:choose>
            <xsl:when test="h:has-block(.)"><xsl:apply-templates/></xsl:when>
            <xsl:otherwise><p><xsl:apply-templates/></p></xsl:otherwise>
          </xsl:choose>
        </blockquote>
      </xsl:when>
      <!-- FRUS prints the quotation marks as text: no <q>, which would add its own. -->
      <xsl:otherwise>
        <span><xsl:call-template name="h:attrs"><xsl:with-param name="class" select="'quote'"/></xsl:call-template><xsl:apply-templates/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Lists: an HTML list holds only li, so a page break, a label or a stray element becomes
       (or joins) an li; the list's head goes before it. -->
  <xsl:template match="list">
    <xsl:variable name="kind" select="
        if (@rend = ('bulleted', 'bullets', 'disc')) then 'bulleted'
        else if (@rend = ('numbered', 'ordered') or @type = ('ordered', 'numbered')) then 'numbered'
        else if (label) then 'labeled' else 'plain'"/>
    <xsl:variable name="items">
      <xsl:element name="{if ($kind = 'numbered') then 'ol' else 'ul'}">
        <xsl:call-template name="h:attrs">
          <xsl:with-param name="class" select="'list', $kind, @type"/>
        </xsl:call-template>
        <xsl:apply-templates select="* except (head | label)" mode="h:list-member"/>
      </xsl:element>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="head">
        <div class="list-block{@type ! (' ' || .)}">
          <xsl:for-each select="head">
            <p class="list-head"><xsl:apply-templates/></p>
          </xsl:for-each>
          <xsl:sequence select="$items"/>
        </div>
      </xsl:when>
      <xsl:otherwise><xsl:sequence select="$items"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="item" mode="h:list-member">
    <li>
      <xsl:call-template name="h:attrs"/>
      <xsl:for-each select="preceding-sibling::*[1][self::label]">
        <span class="label"><xsl:apply-templates/></span>
        <xsl:text> </xsl:text>
      </xsl:for-each>
      <xsl:apply-templates/>
    </li>
  </xsl:template>

  <xsl:template match="pb" mode="h:list-member">
    <li class="pb-item"><xsl:apply-templates select="."/></li>
  </xsl:template>

  <xsl:template match="*" mode="h:list-member">
    <li class="list-other"><xsl:apply-templates select="."/></li>
  </xsl:template>

  <xsl:template match="table">
    <table>
      <xsl:call-template name="h:attrs"><xsl:with-param name="class" select="tokenize(@rend)"/></xsl:call-template>
      <xsl:for-each select="head"><caption><xsl:apply-templates/></caption></xsl:for-each>
      <tbody>
        <xsl:for-each select="row">
          <tr>
            <xsl:call-template name="h:attrs"/>
            <xsl:for-each select="cell">
              <xsl:element name="{if (@role = 'label' or ../@role = 'label') then 'th' else 'td'}">
                <xsl:call-template name="h:attrs"/>
                <xsl:if test="@cols castable as xs:integer and xs:integer(@cols) gt 1"><xsl:attribute name="colspan" select="@cols"/></xsl:if>
                <xsl:if test="@rows castable as xs:integer and xs:integer(@rows) gt 1"><xsl:attribute name="rowspan" select="@rows"/></xsl:if>
                <xsl:apply-templates/>
              </xsl:element>
            </xsl:for-each>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>

  <xsl:template match="figure">
    <figure>
      <xsl:call-template name="h:attrs"/>
      <xsl:apply-templates select="graphic"/>
      <xsl:if test="head | p">
        <figcaption><xsl:apply-templates select="head/node() | p/node()"/></figcaption>
      </xsl:if>
    </figure>
  </xsl:template>

  <xsl:template match="graphic">
    <img src="{@url}" alt="{normalize-space(string-join((../figDesc, desc), ' '))}"/>
  </xsl:template>

  <xsl:template match="lg">
    <div><xsl:call-template name="h:attrs"><xsl:with-param name="class" select="'lg'"/></xsl:call-template><xsl:apply-templates/></div>
  </xsl:template>
  <xsl:template match="l">
    <span class="l"><xsl:call-template name="h:attrs"><xsl:with-param name="class" select="'l'"/></xsl:call-template><xsl:apply-templates/></span><br/>
  </xsl:template>

  <!-- ===== editorial signs ===== -->

  <!-- A gap: the label in brackets, italic when withheld (redaction), roman when omitted;
       a gap standing for a block is a paragraph of its own. -->
  <xsl:template match="gap">
    <xsl:variable name="label" select="tk:gap-label(.)"/>
    <xsl:variable name="sign" as="node()*">
      <xsl:text>[</xsl:text>
      <xsl:choose>
        <xsl:when test="$label = ''">…</xsl:when>
        <xsl:when test="tk:gap-italic(.)"><i>{$label}</i></xsl:when>
        <xsl:otherwise>{$label}</xsl:otherwise>
      </xsl:choose>
      <xsl:text>]</xsl:text>
    </xsl:variable>
    <xsl:element name="{if (tk:gap-is-block(.)) then 'p' else 'span'}">
      <xsl:call-template name="h:attrs">
        <xsl:with-param name="class" select="'gap', @reason"/>
      </xsl:call-template>
      <xsl:sequence select="$sign"/>
    </xsl:element>
  </xsl:template>

  <!-- A page break of the printed edition: a self-linking marker, set in the margin by the CSS. -->
  <xsl:template match="pb">
    <xsl:variable name="id" select="tk:id(.)"/>
    <a class="pb" id="{$id}" href="#{$id}">
      <xsl:if test="@facs"><xsl:attribute name="data-facs" select="@facs"/></xsl:if>
      <xsl:text>[{tk:pb-label(.)}]</xsl:text>
    </a>
  </xsl:template>
  <xsl:template match="pb[not(@n)]" priority="2"/>

  <!-- A footnote: a superscript link here; the note itself is set at the end of the page. -->
  <xsl:template match="note">
    <xsl:variable name="id" select="tk:id(.)"/>
    <sup class="noteref-wrap"><a href="#{$id}" id="{$id}-ref" class="noteref" role="doc-noteref">{tk:note-number(.)}</a></sup>
  </xsl:template>

  <xsl:template match="note[not(tk:is-footnote(.))]" priority="2">
    <xsl:choose>
      <xsl:when test="h:in-block-context(.)">
        <div>
          <xsl:call-template name="h:attrs"><xsl:with-param name="class" select="'note-inline'"/></xsl:call-template>
          <xsl:choose>
            <xsl:when test="p"><xsl:apply-templates/></xsl:when>
            <xsl:otherwise><p><xsl:apply-templates/></p></xsl:otherwise>
          </xsl:choose>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <small><xsl:call-template name="h:attrs"><xsl:with-param name="class" select="'note-inline'"/></xsl:call-template><xsl:apply-templates/></small>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The footnote itself, inside the page's footnote list. -->
  <xsl:template match="note" mode="h:footnote">
    <xsl:variable name="id" select="tk:id(.)"/>
    <xsl:variable name="label" select="tk:note-number(.)"/>
    <xsl:variable name="backref" as="element()">
      <a href="#{$id}-ref" class="backref" role="doc-backlink" aria-label="Back to note {$label} in the text">↩</a>
    </xsl:variable>
    <li id="{$id}">
      <xsl:if test="$label castable as xs:integer"><xsl:attribute name="value" select="xs:integer($label)"/></xsl:if>
      <xsl:if test="@type"><xsl:attribute name="class" select="'fn-' || @type"/></xsl:if>
      <span class="fn-label">{$label}.</span>
      <xsl:text> </xsl:text>
      <div class="fn-body">
        <xsl:choose>
          <xsl:when test="p">
            <xsl:apply-templates select="node()">
              <xsl:with-param name="backref" select="$backref" tunnel="yes"/>
              <xsl:with-param name="last-p" select="p[last()]" tunnel="yes"/>
            </xsl:apply-templates>
          </xsl:when>
          <xsl:otherwise>
            <p><xsl:apply-templates/><xsl:text> </xsl:text><xsl:sequence select="$backref"/></p>
          </xsl:otherwise>
        </xsl:choose>
      </div>
    </li>
  </xsl:template>

  <!-- The last paragraph of a footnote carries the back-link. -->
  <xsl:template match="note/p" priority="2">
    <xsl:param name="backref" as="element()?" tunnel="yes"/>
    <xsl:param name="last-p" as="element()?" tunnel="yes"/>
    <xsl:element name="{if (h:has-block(.)) then 'div' else 'p'}">
      <xsl:call-template name="h:attrs"><xsl:with-param name="class" select="tokenize(@rend)"/></xsl:call-template>
      <xsl:apply-templates/>
      <xsl:if test=". is $last-p"><xsl:text> </xsl:text><xsl:sequence select="$backref"/></xsl:if>
    </xsl:element>
  </xsl:template>

  <!-- ===== phrases ===== -->

  <xsl:template match="hi">
    <xsl:variable name="rend" select="tokenize(@rend)[1]"/>
    <xsl:element name="{
        if (empty($rend) or $rend = ('italic', 'italics', 'i')) then 'i'
        else if ($rend = ('strong', 'bold', 'b')) then 'b'
        else if ($rend = ('sub', 'subscript')) then 'sub'
        else if ($rend = ('sup', 'superscript')) then 'sup'
        else if ($rend = 'underline') then 'u'
        else 'span'}">
      <xsl:call-template name="h:attrs">
        <xsl:with-param name="class" select="tokenize(@rend)[position() gt 1 or not(. = ('italic', 'strong', 'sub', 'superscript', 'underline'))]"/>
      </xsl:call-template>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="seg">
    <span>
      <xsl:call-template name="h:attrs">
        <xsl:with-param name="class" select="if (tk:is-classification-marking(.)) then 'classification-marking' else ('seg', @type)"/>
      </xsl:call-template>
      <xsl:apply-templates/>
    </span>
  </xsl:template>

  <!-- A person or term the edition identifies: a link to its entry on the persons and terms page
       (never inside another link). -->
  <xsl:template match="(persName | term | gloss)[@corresp or @ref or @target or @key]" priority="2">
    <xsl:variable name="key" select="h:entity-key(.)"/>
    <xsl:choose>
      <xsl:when test="$key = '' or ancestor::ref or ancestor::ptr or .//note or .//ref or .//ptr
          or empty(ancestor::div[@type = 'document'])">
        <xsl:next-match/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="desc" select="h:entity-desc(h:entity-def($key, .))"/>
        <a href="persons.html#{$key}">
          <xsl:call-template name="h:attrs"><xsl:with-param name="class" select="local-name(), @type, 'entity'"/></xsl:call-template>
          <xsl:if test="$desc != ''"><xsl:attribute name="title" select="$desc"/></xsl:if>
          <xsl:apply-templates/>
        </a>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="persName | placeName | orgName | name | rs | gloss | term | date | time | measure | num | abbr | expan | unclear | sic | corr | reg | orig | supplied | distinct | mentioned | said | addrLine | address | idno | bibl | label">
    <span>
      <xsl:call-template name="h:attrs"><xsl:with-param name="class" select="local-name(), @type"/></xsl:call-template>
      <xsl:if test="self::date/(@when | @from | @notBefore)">
        <xsl:attribute name="data-date" select="(@when, @from, @notBefore)[1]"/>
      </xsl:if>
      <xsl:apply-templates/>
    </span>
  </xsl:template>

  <xsl:template match="choice">
    <span class="choice"><xsl:apply-templates select="(corr, reg, expan, *)[1]"/></span>
  </xsl:template>

  <xsl:template match="foreign">
    <i><xsl:call-template name="h:attrs"><xsl:with-param name="class" select="'foreign'"/></xsl:call-template><xsl:apply-templates/></i>
  </xsl:template>

  <xsl:template match="title">
    <cite><xsl:call-template name="h:attrs"/><xsl:apply-templates/></cite>
  </xsl:template>

  <xsl:template match="emph">
    <em><xsl:call-template name="h:attrs"/><xsl:apply-templates/></em>
  </xsl:template>

  <xsl:template match="del">
    <del><xsl:call-template name="h:attrs"/><xsl:apply-templates/></del>
  </xsl:template>

  <xsl:template match="add">
    <ins><xsl:call-template name="h:attrs"/><xsl:apply-templates/></ins>
  </xsl:template>

  <xsl:template match="ref | ptr">
    <xsl:param name="toc" as="element(tk:toc)?" tunnel="yes"/>
    <a>
      <xsl:call-template name="h:attrs"><xsl:with-param name="class" select="local-name()"/></xsl:call-template>
      <xsl:variable name="href" select="if (@target) then h:href(@target, ., $toc) else ''"/>
      <xsl:if test="$href != ''"><xsl:attribute name="href" select="$href"/></xsl:if>
      <xsl:apply-templates/>
      <xsl:if test="self::ptr">{@target}</xsl:if>
    </a>
  </xsl:template>

  <xsl:template match="anchor">
    <span><xsl:call-template name="h:attrs"><xsl:with-param name="class" select="'anchor'"/></xsl:call-template></span>
  </xsl:template>

  <xsl:template match="lb"><br/></xsl:template>
  <xsl:template match="cb | milestone | figDesc | fw | interp | interpGrp | link | linkGrp | index"/>

  <!-- Anything else keeps its text. -->
  <xsl:template match="*">
    <xsl:element name="{if (h:has-block(.)) then 'div' else 'span'}">
      <xsl:call-template name="h:attrs"><xsl:with-param name="class" select="'tei-' || local-name()"/></xsl:call-template>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>
</xsl:stylesheet>
