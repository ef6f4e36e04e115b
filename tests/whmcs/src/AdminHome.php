<?php
/**
 * The admin area's home page as far as widgets go (https://developers.whmcs.com/addon-modules/admin-dashboard-widgets,
 * https://developers.whmcs.com/advanced/widgets): the AdminHomeWidgets hook point runs, each
 * hook returns a widget object (a \WHMCS\Module\AbstractWidget), and the page renders each
 * widget in order of its weight. The stand-in renders a widget only when it requires no
 * permission: how WHMCS checks a named permission against the admin's role is not modelled,
 * so a widget that names one makes it fail loudly instead of guessing.
 */

declare(strict_types=1);

namespace WhmcsHarness;

use RuntimeException;
use WHMCS\Module\AbstractWidget;

final class AdminHome
{
    /**
     * The widgets' HTML, id => HTML, lightest weight first.
     *
     * @return array<string, string>
     */
    public static function widgets(int $adminId = 1): array
    {
        Request::asAdmin($adminId);
        $widgets = array_values(array_filter(run_hook('AdminHomeWidgets', []), static fn ($w): bool => $w instanceof AbstractWidget));
        usort($widgets, static fn (AbstractWidget $a, AbstractWidget $b): int => $a->getWeight() <=> $b->getWeight());
        $html = [];
        foreach ($widgets as $widget) {
            if ($widget->getRequiredPermission() !== '') {
                throw new RuntimeException(sprintf('widget %s requires the permission "%s", which the stand-in does not model', $widget->getId(), $widget->getRequiredPermission()));
            }
            $html[$widget->getId()] = $widget->render();
        }
        return $html;
    }
}
