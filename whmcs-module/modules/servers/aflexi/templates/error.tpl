{* Aflexi CDN: shown instead of the account details when they cannot be read; the details of
   the failure are in the module log. *}
<div class="alert alert-warning aflexi-cdn-error">{$aflexiError|escape:'html':'UTF-8'}</div>
