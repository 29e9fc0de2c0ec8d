<?xml version="1.0" encoding="UTF-8"?>
<!-- Copies a quote response, without the back end's q:Internal fields, adding q:Currency. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:q="urn:example:quotes">
  <xsl:output method="xml" encoding="UTF-8"/>
  <xsl:template match="@*|node()">
    <xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy>
  </xsl:template>
  <xsl:template match="q:Internal"/>
  <xsl:template match="q:Price">
    <xsl:copy-of select="."/>
    <q:Currency>USD</q:Currency>
  </xsl:template>
</xsl:stylesheet>
