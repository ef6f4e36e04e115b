{* Aflexi CDN: the CDN account on the client's product details page.
   Every value is escaped here, at output. Variables: see ServiceView::clientArea(). *}
<div class="aflexi-cdn">
    <h3>{$aflexiLang.title|escape:'html':'UTF-8'}</h3>
    <table class="table table-striped">
        <tr>
            <th>{$aflexiLang.username|escape:'html':'UTF-8'}</th>
            <td class="aflexi-username">{$aflexiUsername|escape:'html':'UTF-8'}</td>
        </tr>
        <tr>
            <th>{$aflexiLang.status|escape:'html':'UTF-8'}</th>
            <td class="aflexi-status">{$aflexiStatus|escape:'html':'UTF-8'}</td>
        </tr>
        <tr>
            <th>{$aflexiLang.package|escape:'html':'UTF-8'}</th>
            <td class="aflexi-package">{$aflexiPackage|escape:'html':'UTF-8'}</td>
        </tr>
        <tr>
            <th>{$aflexiLang.bandwidth|escape:'html':'UTF-8'}</th>
            <td class="aflexi-bandwidth">
                {$aflexiBandwidth|escape:'html':'UTF-8'}
                {if $aflexiBandwidthUpdated}<small class="text-muted">({$aflexiBandwidthUpdated|escape:'html':'UTF-8'})</small>{/if}
            </td>
        </tr>
        <tr>
            <th>{$aflexiLang.portal|escape:'html':'UTF-8'}</th>
            <td class="aflexi-portal">
                {if $aflexiSingleSignOn}
                    {* WHMCS's own single sign-on request: a POST to this page with dosinglesignon=1 *}
                    <form method="post" action="clientarea.php?action=productdetails&amp;id={$aflexiServiceId|escape:'html':'UTF-8'}" class="aflexi-sso">
                        <input type="hidden" name="dosinglesignon" value="1">
                        <button type="submit" class="btn btn-primary" id="aflexi-sso">{$aflexiLang.portal_sso|escape:'html':'UTF-8'}</button>
                    </form>
                {elseif $aflexiPortalUrl}
                    <a href="{$aflexiPortalUrl|escape:'html':'UTF-8'}" target="_blank" rel="noopener noreferrer" class="btn btn-default">{$aflexiLang.portal_login|escape:'html':'UTF-8'}</a>
                {else}
                    {$aflexiLang.portal_unavailable|escape:'html':'UTF-8'}
                {/if}
            </td>
        </tr>
    </table>
    <h4>{$aflexiLang.chart_title|escape:'html':'UTF-8'}</h4>
    {* Already HTML: the SVG is escaped by the extension, every other text by lib/UsageChart.php. *}
    {$aflexiUsageChart}
</div>
