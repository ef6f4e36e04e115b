<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Module\Server\Aflexi\Text;

/**
 * Renders the admin pages' templates: plain PHP files in templates/admin/ that print each value
 * through e() (the one escaping helper; t() is e() of a language string). A template sees its
 * variables and this view as $this: links (url), the CSRF field (token) and other templates
 * (render). The markup is WHMCS's own Bootstrap 3 classes.
 */
final class View
{
    private const TEMPLATES = __DIR__ . '/../templates/admin/';

    /** @param array<string, string> $lang the addon's language strings ($vars['_lang']) */
    public function __construct(private readonly array $lang, private readonly string $link)
    {
    }

    /** The template templates/admin/$name.php with $vars as its variables. */
    public function render(string $name, array $vars = []): Html
    {
        if (preg_match('/^[a-z_]+$/', $name) !== 1 || !is_file(self::TEMPLATES . $name . '.php')) {
            throw new \LogicException("no admin template named '$name'");
        }
        ob_start();
        try {
            $this->run(self::TEMPLATES . $name . '.php', $vars);
        } catch (\Throwable $e) {
            ob_end_clean();
            throw $e;
        }
        return new Html((string) ob_get_clean());
    }

    /** A value for HTML: escaped (quotes too), unless it is markup a template made. */
    public function e(mixed $value): string
    {
        return $value instanceof Html ? (string) $value : Text::e($value);
    }

    /**
     * A username as every page shows it: the local part (`zoeweb`, the form WHMCS keeps), the
     * full Aflexi form (`zoeweb/1`) only as its tooltip when the value has it. The split is the
     * core's (Aflexi\username_parts).
     */
    public function username(mixed $username): Html
    {
        $parts = \Aflexi\username_parts((string) $username);
        $local = Text::e($parts['local']);
        return new Html($parts['operator_id'] === null ? $local
            : '<span class="aflexi-username" title="' . Text::e($parts['full']) . '">' . $local . '</span>');
    }

    /** A language string for HTML (escaped by e()). */
    public function t(string $key): string
    {
        return $this->e($this->text($key));
    }

    /** A language string as text (e.g. a sprintf format), not yet escaped. */
    public function text(string $key): string
    {
        return $this->lang[$key] ?? $key;
    }

    /** The addon page's link for $action ('' = the products page), not yet escaped. */
    public function url(string $action, array $query = []): string
    {
        $query = ($action === '' ? [] : ['action' => $action]) + $query;
        return $this->link . ($query === [] ? '' : '&' . http_build_query($query));
    }

    /** WHMCS's admin page of a service (clientsservices.php?userid=N&id=M), not yet escaped. */
    public static function serviceUrl(int $clientId, int $serviceId): string
    {
        return 'clientsservices.php?' . http_build_query(['userid' => $clientId, 'id' => $serviceId]);
    }

    /** The hidden CSRF field every POST form carries (WHMCS checks it with check_token). */
    public function token(): Html
    {
        return $this->render('token', ['token' => generate_token('plain')]);
    }

    /** Runs a template; the odd names keep the template's variables from shadowing them. */
    private function run(string $__template, array $__vars): void
    {
        extract($__vars, EXTR_SKIP);
        require $__template;
    }
}
