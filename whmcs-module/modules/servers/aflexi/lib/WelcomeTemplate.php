<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * The product welcome e-mail "Aflexi CDN Welcome Mail": installed when missing (never
 * overwriting an administrator's edits: it is looked up by name first), set as the welcome
 * e-mail of Aflexi products that have none (an administrator's choice wins), and given its
 * merge fields by the EmailPreSend hook (hooks.php):
 *
 *   {$service_username}   the CDN username (tblhosting.username)
 *   {$service_password}   the CDN password (tblhosting.password, decrypted)
 *   {$aflexi_portal_url}  where the client logs in (the operator's portal)
 *
 * The addon aflexi_cdn calls install() from its activation.
 */
final class WelcomeTemplate
{
    public const NAME = 'Aflexi CDN Welcome Mail';
    public const TYPE = EmailTemplates::TYPE;

    /** The template's id once known in this request. */
    private static ?int $installedId = null;

    /**
     * Installs the template (if missing; looked up once per request) and sets it on Aflexi
     * products without a welcome e-mail (one UPDATE, every time: a product may have switched
     * to the module since).
     */
    public static function ensure(): void
    {
        self::$installedId ??= self::install();
        self::assignToProducts(self::$installedId);
    }

    /** Forgets what this request knows (tests reset the database between cases). */
    public static function forget(): void
    {
        self::$installedId = null;
    }

    /** The template's id, inserting the template when no template of that name exists. */
    public static function install(): int
    {
        return EmailTemplates::install(self::NAME, 'Your Aflexi CDN account is ready', self::body());
    }

    /**
     * Sets the template as the welcome e-mail of the products using the aflexi module that have
     * none, once per product (ProductWelcome: a later "None" stays). Returns how many changed.
     */
    public static function assignToProducts(?int $templateId = null): int
    {
        return ProductWelcome::offer($templateId ?? self::install());
    }

    /**
     * The merge fields of the template for a service (EmailPreSend, relid = service id). The
     * portal URL is remembered per server for an hour; when Aflexi cannot be asked it is
     * left empty and the failure is logged by the caller.
     *
     * WHMCS does not escape merge fields and the template is HTML: every field is
     * HTML-escaped here, and the portal URL must be http(s) (ServiceView::safeUrl, the client
     * area's rule) or it is left out, so a hostile API answer cannot put markup or a
     * javascript: link into the client's mail.
     *
     * @return array<string, string>
     */
    public static function mergeFields(Context $context, ServiceData $service): array
    {
        $portalUrl = '';
        try {
            $portalUrl = ServiceView::safeUrl($context->connection()->portalUrl());
        } catch (\Throwable $e) {
            $context->note('portal_url_unavailable', Messages::describe($e, $context->action, $context->connectionIfMade()));
        }
        return array_map([Text::class, 'e'], [
            'service_username' => $service->username,
            'service_password' => $service->password,
            'aflexi_portal_url' => $portalUrl,
        ]);
    }

    /** The template's HTML (Smarty merge fields only; no {php}). */
    public static function body(): string
    {
        return <<<'HTML'
<p>Dear {$client_name},</p>
<p>Your Aflexi CDN account for <strong>{$service_product_name}</strong> is ready.</p>
<p>
Portal: <a href="{$aflexi_portal_url}">{$aflexi_portal_url}</a><br />
Username: {$service_username}<br />
Password: {$service_password}
</p>
<p>Please change your password after your first login.</p>
<p>{$signature}</p>
HTML;
    }
}
