<?php
/**
 * The base class of an admin dashboard widget, as WHMCS documents it
 * (https://developers.whmcs.com/classes/whmcs/module/abstractwidget,
 * https://developers.whmcs.com/addon-modules/admin-dashboard-widgets): a widget sets the
 * protected properties below and overrides getData() and generateOutput($data); render()
 * gives generateOutput(getData()). With $cache on, getData()'s result is reused for
 * $cacheExpiry seconds (per admin with $cachePerUser). WHMCS's store for that cache is not
 * documented: the stand-in keeps it in memory (WhmcsHarness\Whmcs::reset() empties it).
 */

declare(strict_types=1);

namespace WHMCS\Module;

abstract class AbstractWidget
{
    protected $title = '';
    protected $description = '';
    protected $weight = 100;
    protected $columns = 1;
    protected $cache = false;
    protected $cacheExpiry = 3600;
    protected $cachePerUser = false;
    protected $requiredPermission = '';
    protected $draggable = true;
    protected $wrapper = true;

    /** @var array<string, array{at: int, data: mixed}> */
    private static array $cached = [];

    /** The widget's id: its class name (as WHMCS documents getId). */
    public function getId()
    {
        return (new \ReflectionClass($this))->getShortName();
    }

    public function getTitle()
    {
        return $this->title;
    }

    public function getDescription()
    {
        return $this->description;
    }

    public function getColumnSize()
    {
        return (int) $this->columns;
    }

    public function getWeight()
    {
        return (int) $this->weight;
    }

    public function showWrapper()
    {
        return (bool) $this->wrapper;
    }

    public function isCachable()
    {
        return (bool) $this->cache;
    }

    public function isCachedPerUser()
    {
        return (bool) $this->cachePerUser;
    }

    public function getCacheExpiry()
    {
        return (int) $this->cacheExpiry;
    }

    public function getRequiredPermission()
    {
        return (string) $this->requiredPermission;
    }

    public function isDraggable()
    {
        return (bool) $this->draggable;
    }

    /** A widget should override this method. */
    public function getData()
    {
        return [];
    }

    /** A widget should override this method. */
    public function generateOutput($data)
    {
        return '';
    }

    public function sanitizeData($data)
    {
        return $data;
    }

    /** The widget's HTML: generateOutput() of getData(), the data cached when the widget asks. */
    public function render($forceRefresh = false)
    {
        $key = $this->getId() . ($this->isCachedPerUser() ? '#' . (int) ($_SESSION['adminid'] ?? 0) : '');
        $hit = self::$cached[$key] ?? null;
        if ($this->isCachable() && !$forceRefresh && $hit !== null && time() - $hit['at'] < $this->getCacheExpiry()) {
            $data = $hit['data'];
        } else {
            $data = $this->sanitizeData($this->getData());
            if ($this->isCachable()) {
                self::$cached[$key] = ['at' => time(), 'data' => $data];
            }
        }
        return (string) $this->generateOutput($data);
    }

    /** Empties the stand-in's widget cache (a new WHMCS, as far as a test is concerned). */
    public static function forgetCache(): void
    {
        self::$cached = [];
    }
}
